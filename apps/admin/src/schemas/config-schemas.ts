// TypeBox schemas of the configuration document (GET/PUT /api/config, `fulcrum export/import`,
// `fulcrum --config`). In a document sent to the server every field but name, listen and address
// may be left out: a missing field means its default (not "keep the current value"), because the
// document is the whole configuration.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { ConfigBackendDoc, ConfigDocument, ConfigServiceDoc } from '@fulcrum/shared/api';
import { ApiWarningSchema } from './common-schemas.ts';
import { BackendSchema, CreateServiceBody, ServiceSchema } from './service-schemas.ts';

/** The configuration format version this fulcrum reads and writes. */
export const CONFIG_FORMAT_VERSION = 1;

/** A document to import: `services` entries are service creations, matched to existing services by name. */
export const ConfigDocumentInput = Type.Object(
  {
    version: Type.Literal(CONFIG_FORMAT_VERSION, { errorMessage: `must be ${CONFIG_FORMAT_VERSION}` }),
    services: Type.Array(CreateServiceBody, { maxItems: 1000 }),
    // What PUT answered alongside the document; ignored, so an answer can be imported as it is.
    warnings: Type.Optional(Type.Array(ApiWarningSchema, { description: 'ignored (PUT answers it; it is not configuration)' })),
  },
  { additionalProperties: false, description: 'The whole configuration. Omitted fields take their defaults.' },
);
export type ConfigDocumentInput = Static<typeof ConfigDocumentInput>;

const { id: _bid, serviceId: _sid, address, discovery: _discovery, ...backendFields } = BackendSchema.properties;
// A discovery group is exported with `discover` and no address (its label is not an address).
const ConfigBackendSchema = Type.Object({ address: Type.Optional(address), ...backendFields });
const { id: _id, version: _version, backends: _backends, ...serviceFields } = ServiceSchema.properties;
const ConfigServiceSchema = Type.Object({ ...serviceFields, backends: Type.Array(ConfigBackendSchema) });

/** A document as exported: every field present, no database ids, creation order. */
export const ConfigDocumentSchema = Type.Object({
  version: Type.Literal(CONFIG_FORMAT_VERSION),
  services: Type.Array(ConfigServiceSchema),
});

/** GET /api/config query. */
export const ConfigQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('yaml')], { description: 'overrides the Accept header' })) },
  { additionalProperties: false },
);
export type ConfigQuery = Static<typeof ConfigQuery>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _documentAgrees: Same<Static<typeof ConfigDocumentSchema>, ConfigDocument> = true;
const _serviceAgrees: Same<Static<typeof ConfigServiceSchema>, ConfigServiceDoc> = true;
const _backendAgrees: Same<Static<typeof ConfigBackendSchema>, ConfigBackendDoc> = true;
