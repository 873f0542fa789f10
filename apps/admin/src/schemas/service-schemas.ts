// TypeBox schemas for services and backends: request bodies (validated) and responses (serialized).
// Address and strategy fields are plain strings here and checked in the handlers, so they get
// their own error codes (INVALID_ADDRESS, UNKNOWN_STRATEGY) instead of VALIDATION_ERROR.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { BackendDto, HealthCheckDto, ServiceDto } from '@fulcrum/shared/api';
import { STRATEGIES } from '@fulcrum/shared/strategies';
import { literalUnion } from './common-schemas.ts';

const int = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum });

export const ADMIN_STATES = ['enabled', 'disabled', 'draining'] as const;
export const HEALTH_CHECK_TYPES = ['none', 'tcp', 'redis', 'postgres', 'http', 'send-expect'] as const;

const AdminStateSchema = literalUnion(ADMIN_STATES);
const HealthCheckTypeSchema = literalUnion(HEALTH_CHECK_TYPES);
const StrategyNameSchema = literalUnion(STRATEGIES.map((s) => s.name) as unknown as readonly ServiceDto['strategy'][]);

const Name = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9._-]+$',
  errorMessage: 'must be 1-64 characters: letters, digits, dot, underscore or hyphen',
});
const Address = Type.String({ maxLength: 300 });
const Strategy = Type.String({ maxLength: 64 });

const healthCheckFields = {
  type: HealthCheckTypeSchema,
  intervalMs: int(100, 3_600_000),
  timeoutMs: int(10, 600_000),
  rise: int(1, 100),
  fall: int(1, 100),
  httpPath: Type.String({ minLength: 1, maxLength: 1024, pattern: '^/' }),
  httpStatusMin: int(100, 599),
  httpStatusMax: int(100, 599),
  send: Type.String({ maxLength: 4096 }),
  expect: Type.String({ maxLength: 4096 }),
  expectRegex: Type.Boolean(),
  passiveFailures: int(0, 100),
  slowStartMs: int(0, 3_600_000),
  closeOnDown: Type.Boolean(),
};

/** A partial health check in a request; merged over the defaults or the current settings. */
export const HealthCheckPatch = Type.Partial(Type.Object(healthCheckFields, { additionalProperties: false }));
export type HealthCheckPatch = Static<typeof HealthCheckPatch>;

// 0 (unbounded) or 1.0–10 is checked in the handler: a schema union would blur the error message.
const StrategyOptionsInput = Type.Object(
  { boundedLoadFactor: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })) },
  { additionalProperties: false },
);

const serviceTuning = {
  strategy: Strategy,
  strategyOptions: StrategyOptionsInput,
  connectTimeoutMs: int(1, 600_000),
  idleTimeoutMs: int(0, 86_400_000),
  retries: int(0, 10),
  drainTimeoutMs: int(0, 3_600_000),
  maxQueue: int(0, 100_000),
  queueTimeoutMs: int(1, 600_000),
  healthCheck: HealthCheckPatch,
};

const backendTuning = {
  weight: int(0, 1000),
  backup: Type.Boolean(),
  maxConnections: int(0, 1_000_000),
  state: AdminStateSchema,
};

/** A backend in a request: POST …/backends, or one entry of a service's `backends`. */
export const BackendInput = Type.Object(
  { address: Address, ...Type.Partial(Type.Object(backendTuning)).properties },
  { additionalProperties: false },
);
export type BackendInput = Static<typeof BackendInput>;

const Backends = Type.Array(BackendInput, { maxItems: 1000 });
/** The service version a change was based on (optimistic concurrency). */
const Version = Type.Integer({ minimum: 1 });

/** POST /api/services */
export const CreateServiceBody = Type.Object(
  {
    name: Name,
    listen: Address,
    ...Type.Partial(Type.Object(serviceTuning)).properties,
    backends: Type.Optional(Backends),
  },
  { additionalProperties: false },
);
export type CreateServiceBody = Static<typeof CreateServiceBody>;

/** PATCH /api/services/:id — `backends`, when given, is the complete new list (matched by address). */
export const PatchServiceBody = Type.Partial(
  Type.Object({ name: Name, listen: Address, ...serviceTuning, backends: Backends, version: Version }),
  { additionalProperties: false },
);
export type PatchServiceBody = Static<typeof PatchServiceBody>;

/** PATCH /api/services/:id/backends/:backendId */
export const PatchBackendBody = Type.Partial(Type.Object({ address: Address, ...backendTuning, version: Version }), {
  additionalProperties: false,
});
export type PatchBackendBody = Static<typeof PatchBackendBody>;

/** A service's health-check settings, as answered (every field present). */
export const HealthCheckSchema = Type.Object(healthCheckFields);

export const BackendSchema = Type.Object({
  id: Type.Integer(),
  serviceId: Type.Integer(),
  address: Type.String(),
  ...backendTuning,
});

export const ServiceSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  listen: Type.String(),
  strategy: StrategyNameSchema,
  strategyOptions: Type.Object({ boundedLoadFactor: Type.Optional(Type.Number()) }),
  connectTimeoutMs: Type.Integer(),
  idleTimeoutMs: Type.Integer(),
  retries: Type.Integer(),
  drainTimeoutMs: Type.Integer(),
  maxQueue: Type.Integer(),
  queueTimeoutMs: Type.Integer(),
  healthCheck: HealthCheckSchema,
  version: Type.Integer(),
  backends: Type.Array(BackendSchema),
});

// Compile-time proof that the response schemas and the shared wire types agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _serviceAgrees: Same<Static<typeof ServiceSchema>, ServiceDto> = true;
const _backendAgrees: Same<Static<typeof BackendSchema>, BackendDto> = true;
const _healthAgrees: Same<Static<typeof HealthCheckSchema>, HealthCheckDto> = true;
