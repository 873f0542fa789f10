// The configuration as one portable document: built from the committed services (no database
// ids), rendered as JSON or YAML, parsed back and checked against the document schema.
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import type { ConfigDocument, ServiceDto } from '@fulcrum/shared/api';
import { ApiError } from '../http/api-error.ts';
import { CONFIG_FORMAT_VERSION, ConfigDocumentInput } from '../schemas/config-schemas.ts';
import { typeboxValidatorCompiler } from '../http/validator-compiler.ts';
import { serviceSettings } from '../store/services-repo.ts';
import type { ServiceRecord } from '../store/services-repo.ts';

export type ConfigFormat = 'json' | 'yaml';

/** Content types a configuration document is accepted in. */
export const YAML_CONTENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** The document for `services` (committed order: by id, i.e. creation order). */
export function toConfigDocument(services: readonly ServiceDto[]): ConfigDocument {
  return {
    version: CONFIG_FORMAT_VERSION,
    services: services.map((s) => ({
      name: s.name,
      listen: s.listen,
      ...serviceSettings(s),
      backends: s.backends.map((b) => ({
        address: b.address,
        weight: b.weight,
        state: b.state,
        backup: b.backup,
        maxConnections: b.maxConnections,
      })),
    })),
  };
}

/**
 * `doc` with each service's stored health-check password (`fulcrum export --with-secrets` only):
 * the API never answers passwords, so this is the one way a password leaves the store.
 */
export function withHealthCheckPasswords(doc: ConfigDocument, records: readonly Pick<ServiceRecord, 'name' | 'healthCheck'>[]): ConfigDocument {
  const passwords = new Map(records.map((r) => [r.name, r.healthCheck.password]));
  return {
    ...doc,
    services: doc.services.map((s) => {
      const password = passwords.get(s.name) ?? '';
      return password === '' ? s : { ...s, healthCheck: { ...s.healthCheck, password } };
    }),
  };
}

/** The document as text: 2-space JSON or block YAML, with a final newline. Deterministic. */
export function renderConfig(doc: ConfigDocument, format: ConfigFormat): string {
  return format === 'yaml' ? YAML.stringify(doc, { lineWidth: 0 }) : `${JSON.stringify(doc, null, 2)}\n`;
}

/** A strong entity tag of the document: changes whenever the configuration does. */
export function configEtag(doc: ConfigDocument): string {
  return `"${createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 32)}"`;
}

/** The entity tag an If-Match header names (`"…"` or `W/"…"`), `undefined` for none or `*`. */
export function parseConfigIfMatch(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  return header.trim().replace(/^W\//, '');
}

const yamlError = (message: string): ApiError =>
  new ApiError(400, 'VALIDATION_ERROR', `YAML: ${message.split('\n')[0]?.trim() ?? 'cannot be parsed'}`);

/**
 * Parses YAML into plain data. Only the core schema (no custom tags, no timestamps); aliases are
 * bounded, duplicate keys and unknown tags are errors. `__proto__` stays an ordinary key, which the
 * document schema then rejects.
 */
export function parseYaml(text: string): unknown {
  const doc = YAML.parseDocument(text, { schema: 'core', uniqueKeys: true, prettyErrors: true, merge: false });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw yamlError(problem.message);
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw yamlError((err as Error).message);
  }
}

/** Parses a document's text: JSON if it looks like JSON, else YAML (JSON is YAML anyway). */
export function parseConfigText(text: string, format?: ConfigFormat): unknown {
  const useJson = format === 'json' || (format === undefined && /^\s*[{[]/.test(text));
  if (!useJson) return parseYaml(text);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(400, 'VALIDATION_ERROR', `JSON: ${(err as Error).message}`);
  }
}

const validate = typeboxValidatorCompiler({ schema: ConfigDocumentInput, httpPart: 'body', method: 'PUT', url: '/api/config' });

/** Checks parsed data against the document schema; 400 naming the path (`services[1].backends[0].address`). */
export function checkConfigDocument(value: unknown): ConfigDocumentInput {
  const result = validate(value) as { value?: unknown; error?: ApiError };
  if (result.error) throw result.error;
  return value as ConfigDocumentInput;
}
