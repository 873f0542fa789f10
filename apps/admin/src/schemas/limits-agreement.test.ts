// The API's request schemas and the engine's validateConfig must accept exactly the same
// numbers: both are built from @fulcrum/shared/limits, and this fails if either drifts (a
// literal range creeping back into one of them). The candidates are the API schema's own
// bounds ±1: a wider or narrower engine range, or schema range, disagrees at one of them.
import { describe, expect, it } from 'vitest';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TInteger } from '@sinclair/typebox';
import { validateConfig } from '@fulcrum/engine';
import type { EngineConfig } from '@fulcrum/engine';
import { BACKEND_DEFAULTS, HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS } from '@fulcrum/shared/defaults';
import { AGENT_CHECK_LIMITS, BACKEND_LIMITS, HEALTH_CHECK_LIMITS, SERVICE_LIMITS } from '@fulcrum/shared/limits';
import { AgentCheckInput, BackendInput, CreateServiceBody, HealthCheckPatch } from './service-schemas.ts';

type Part = 'service' | 'healthCheck' | 'backend' | 'agentCheck';

const body = TypeCompiler.Compile(CreateServiceBody);

/** The schema of `field`, read from the request schemas themselves (not from the shared table). */
function schemaOf(part: Part, field: string): TInteger {
  if (part === 'agentCheck') return (AgentCheckInput.anyOf[0]!.properties as unknown as Record<string, TInteger>)[field]!;
  const properties = part === 'service' ? CreateServiceBody.properties : part === 'healthCheck' ? HealthCheckPatch.properties : BackendInput.properties;
  return (properties as unknown as Record<string, TInteger>)[field]!;
}

/**
 * Cross-field rules that are not ranges: the HTTP status range must not be inverted, and the
 * failure-rate window must hold the minimum volume.
 */
function companions(part: Part, field: string): Record<string, number> {
  if (part === 'agentCheck') return field === 'port' ? {} : { port: 9777 };
  if (part !== 'healthCheck') return {};
  if (field === 'httpStatusMin') return { httpStatusMax: 599 };
  if (field === 'httpStatusMax') return { httpStatusMin: 100 };
  if (field === 'passiveWindow') return { passiveMinVolume: 1 };
  if (field === 'passiveMinVolume') return { passiveWindow: 1000 };
  return {};
}

function apiAccepts(part: Part, field: string, value: number): boolean {
  const set = { ...companions(part, field), [field]: value };
  const input =
    part === 'service'
      ? { name: 'svc', listen: '127.0.0.1:6380', ...set }
      : part === 'healthCheck'
        ? { name: 'svc', listen: '127.0.0.1:6380', healthCheck: set }
        : part === 'agentCheck'
          ? { name: 'svc', listen: '127.0.0.1:6380', agentCheck: set }
          : { name: 'svc', listen: '127.0.0.1:6380', backends: [{ address: '127.0.0.1:7001', ...set }] };
  return body.Check(input);
}

function engineAccepts(part: Part, field: string, value: number): boolean {
  const set = { ...companions(part, field), [field]: value };
  const config: EngineConfig = {
    services: [
      {
        id: 1,
        name: 'svc',
        host: '127.0.0.1',
        port: 6380,
        ...SERVICE_DEFAULTS,
        ...(part === 'service' ? set : {}),
        agentCheck: part === 'agentCheck' ? ({ port: 9777, intervalMs: 2000, ...set } as never) : null,
        healthCheck: { ...HEALTH_CHECK_DEFAULTS, ...(part === 'healthCheck' ? set : {}) },
        backends: [{ id: 2, host: '127.0.0.1', port: 7001, ...BACKEND_DEFAULTS, ...(part === 'backend' ? set : {}) }],
      },
    ],
  };
  try {
    validateConfig(config);
    return true;
  } catch {
    return false;
  }
}

const fields: [Part, string][] = [
  ...Object.keys(SERVICE_LIMITS).map((f): [Part, string] => ['service', f]),
  ...Object.keys(HEALTH_CHECK_LIMITS).map((f): [Part, string] => ['healthCheck', f]),
  ...Object.keys(BACKEND_LIMITS).map((f): [Part, string] => ['backend', f]),
  ...Object.keys(AGENT_CHECK_LIMITS).map((f): [Part, string] => ['agentCheck', f]),
];

describe('API schema and engine validation accept the same numbers', () => {
  it.each(fields)('%s.%s', (part, field) => {
    const schema = schemaOf(part, field);
    expect(schema, `${part}.${field} has a schema`).toBeDefined();
    const bounds = [schema.minimum!, schema.maximum!];
    const candidates = new Set<number>();
    for (const b of bounds) for (const d of [-1, 0, 1]) candidates.add(b + d);
    candidates.add(bounds[0]! + 0.5);
    for (const value of candidates) {
      expect(engineAccepts(part, field, value), `${part}.${field} = ${value}`).toBe(apiAccepts(part, field, value));
    }
    // And the range is not empty.
    expect(apiAccepts(part, field, bounds[0]!)).toBe(true);
  });
});
