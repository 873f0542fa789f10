// The OpenAPI document (@fastify/swagger, generated from the route schemas) and the rule that
// keeps it complete: every visible route under /api and /metrics declares a summary, tags and
// its error responses, or the app refuses to start.
import type { SwaggerOptions } from '@fastify/swagger';
import type { RouteOptions } from 'fastify';
import { SESSION_COOKIE } from '../auth/authenticate.ts';

/** Tags in the order the docs show them. */
const TAGS = [
  { name: 'services', description: 'Services and their settings' },
  { name: 'backends', description: 'One backend of a service' },
  { name: 'connections', description: "A service's live connections on this node: list, close one, close all of a backend" },
  { name: 'config', description: 'The whole configuration as one document (export/import)' },
  { name: 'stats', description: 'Live counters and the event log (audit + engine events)' },
  { name: 'tokens', description: 'API tokens' },
  { name: 'session', description: 'Login, logout and who am I' },
  { name: 'metrics', description: 'Prometheus' },
  { name: 'health', description: 'Liveness' },
];

export const openApiOptions: SwaggerOptions = {
  openapi: {
    info: {
      title: 'Fulcrum admin API',
      version: '0.1.0',
      description:
        'Authenticate with `Authorization: Bearer <token>`, or with the session cookie from POST /api/login ' +
        '(changes then need the header `x-fulcrum-csrf: 1`). Every error has the body ApiErrorBody; ' +
        'branch on `code`, never on `message`. Any request may also be refused before it reaches a route: ' +
        '400 MALFORMED_REQUEST (not valid HTTP, bad percent-encoding), 408 REQUEST_TIMEOUT, 414 URI_TOO_LONG, ' +
        '431 HEADERS_TOO_LARGE.',
    },
    tags: TAGS,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (FULCRUM_ADMIN_TOKEN or POST /api/tokens)' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'From POST /api/login' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
  },
  // Shared schemas keep their $id as the component name: #/components/schemas/ApiErrorBody.
  refResolver: {
    buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
  },
};

/** onRoute hook: a documented path without summary, tags or error responses is a programming error. */
export function requireRouteDocs(route: RouteOptions): void {
  const schema = route.schema as { hide?: boolean; summary?: string; tags?: string[]; response?: Record<string, unknown> } | undefined;
  if (!/^\/(api|metrics)(\/|$)/.test(route.url) || schema?.hide) return;
  const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
  if (method === 'HEAD') return;
  if (!schema?.summary || !schema.tags?.length || !schema.response?.['500']) {
    throw new TypeError(`route ${method} ${route.url} needs schema.summary, schema.tags and error responses (errorResponses())`);
  }
}
