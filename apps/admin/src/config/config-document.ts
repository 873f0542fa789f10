// The configuration as one portable document: built from the committed services (no database
// ids), rendered as JSON or YAML, parsed back and checked against the document schema.
import { createHash } from 'node:crypto';
import YAML, { LineCounter, isMap, isScalar, isSeq } from 'yaml';
import type { ConfigDocument, ServiceDto, WithWarnings } from '@fulcrum/shared/api';
import { ApiError } from '../http/api-error.ts';
import { parseJsonBody, requireObject } from '../http/json-body.ts';
import { lineColumn } from '../http/strict-json.ts';
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
        ...(b.discover === undefined ? { address: b.address } : { discover: b.discover }),
        weight: b.weight,
        state: b.state,
        backup: b.backup,
        maxConnections: b.maxConnections,
        agentCheck: b.agentCheck,
        proxyProtocol: b.proxyProtocol,
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
export function renderConfig(doc: ConfigDocument & WithWarnings, format: ConfigFormat): string {
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

/** A YAML problem at `offset` of `text`: one line, never cut, with line and column. */
function yamlError(text: string, message: string, offset: number | undefined, field?: string): ApiError {
  const oneLine = message.replace(/\s+/g, ' ').trim() || 'cannot be parsed';
  if (offset === undefined) return new ApiError(400, 'VALIDATION_ERROR', `YAML: ${oneLine}`, field);
  const { line, column } = lineColumn(text, offset);
  return new ApiError(400, 'VALIDATION_ERROR', `YAML: ${oneLine} at line ${line}, column ${column}`, field);
}

/** A key as the document's path shows it. */
const keyText = (key: unknown): string => (isScalar(key) ? String(key.value) : JSON.stringify((key as { toJSON(): unknown }).toJSON()));

/**
 * The first key that appears twice in one mapping, anywhere in `root`, with its path
 * (`services[0].name`) and offset. Walked with an explicit stack: nesting depth is the sender's.
 */
function duplicateKey(root: unknown): { key: string; field: string; offset: number | undefined } | undefined {
  const stack: { node: unknown; path: string }[] = [{ node: root, path: '' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = keyText(pair.key);
        const field = path === '' ? key : `${path}.${key}`;
        if (seen.has(key)) return { key, field, offset: (pair.key as { range?: [number] } | null)?.range?.[0] };
        seen.add(key);
        stack.push({ node: pair.value, path: field });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => stack.push({ node: item, path: `${path}[${i}]` }));
    }
  }
  return undefined;
}

/**
 * Parses a YAML document that must be one mapping into plain data. Only the core schema (no custom
 * tags, no timestamps); aliases are bounded, duplicate keys and unknown tags are errors, and every
 * error names line and column. `__proto__` stays an ordinary key, which the document schema then
 * rejects.
 */
export function parseYaml(text: string): Record<string, unknown> {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { schema: 'core', uniqueKeys: false, prettyErrors: false, merge: false, lineCounter });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw yamlError(text, problem.message, problem.pos[0]);
  const duplicate = duplicateKey(doc.contents);
  if (duplicate) throw yamlError(text, `duplicate key ${JSON.stringify(duplicate.key)}`, duplicate.offset, duplicate.field);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw yamlError(text, (err as Error).message, undefined);
  }
  const start = doc.contents?.range[0] ?? text.length - text.trimStart().length;
  return requireObject('YAML', value, text, start);
}

/** Parses a document's text: JSON if it looks like JSON, else YAML (JSON is YAML anyway). */
export function parseConfigText(text: string, format?: ConfigFormat): unknown {
  const useJson = format === 'json' || (format === undefined && /^\s*[{[]/.test(text));
  return useJson ? parseJsonBody(text) : parseYaml(text);
}

const validate = typeboxValidatorCompiler({ schema: ConfigDocumentInput, httpPart: 'body', method: 'PUT', url: '/api/config' });

/** Checks parsed data against the document schema; 400 naming the path (`services[1].backends[0].address`). */
export function checkConfigDocument(value: unknown): ConfigDocumentInput {
  const result = validate(value) as { value?: unknown; error?: ApiError };
  if (result.error) throw result.error;
  return value as ConfigDocumentInput;
}
