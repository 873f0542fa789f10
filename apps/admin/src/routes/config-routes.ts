// GET/PUT /api/config: the whole configuration as one document, in JSON or YAML.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiWarning, ConfigDocument } from '@fulcrum/shared/api';
import { answerWith, checksFor } from '../config/address-checks.ts';
import { ApiError } from '../http/api-error.ts';
import {
  YAML_CONTENT_TYPES,
  configEtag,
  parseConfigIfMatch,
  parseYaml,
  renderConfig,
  toConfigDocument,
} from '../config/config-document.ts';
import type { ConfigFormat } from '../config/config-document.ts';
import { locateEngineError, replaceConfig } from '../config/replace-config.ts';
import type { ReplaceSummary } from '../config/replace-config.ts';
import { CHANGE_ERRORS, ConfigIfMatchHeaders, errorResponses } from '../schemas/common-schemas.ts';
import { ConfigDocumentInput, ConfigDocumentSchema, ConfigQuery } from '../schemas/config-schemas.ts';
import type { RouteDeps } from './route-deps.ts';

/** A configuration document may be larger than other request bodies (1000 services × 1000 backends is not the aim). */
export const CONFIG_BODY_LIMIT = 4 * 1024 * 1024;

const YAML_ACCEPT = /\b(?:application\/(?:x-)?yaml|text\/yaml)\b/i;

/** ?format, else what Accept names, else the format of the request body, else JSON. */
function formatFor(request: FastifyRequest<{ Querystring: ConfigQuery }>): ConfigFormat {
  if (request.query.format) return request.query.format;
  const accept = request.headers.accept ?? '';
  if (YAML_ACCEPT.test(accept)) return 'yaml';
  if (/\bapplication\/json\b/i.test(accept)) return 'json';
  return YAML_ACCEPT.test(request.headers['content-type'] ?? '') ? 'yaml' : 'json';
}

function send(reply: FastifyReply, doc: ConfigDocument, format: ConfigFormat, warnings: readonly ApiWarning[] = []): FastifyReply {
  return reply
    .header('etag', configEtag(doc))
    .header('vary', 'accept')
    .type(format === 'yaml' ? 'application/yaml; charset=utf-8' : 'application/json; charset=utf-8')
    .send(renderConfig(answerWith(doc, warnings), format));
}

const documentResponse = {
  description: 'The configuration document',
  content: { 'application/json': { schema: ConfigDocumentSchema }, 'application/yaml': { schema: ConfigDocumentSchema } },
};

export const configRoutes: FastifyPluginAsync<RouteDeps> = async (app, { config, node }) => {
  // Only this plugin's routes take YAML.
  app.addContentTypeParser(YAML_CONTENT_TYPES, { parseAs: 'string', bodyLimit: CONFIG_BODY_LIMIT }, (_request, body, done) => {
    try {
      done(null, parseYaml(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.get<{ Querystring: ConfigQuery }>(
    '/config',
    {
      schema: {
        summary: 'Export the whole configuration',
        description:
          'Every service and backend without database ids, so it can be imported into another installation. ' +
          'YAML with `Accept: application/yaml` or `?format=yaml`, else JSON. The ETag changes with the configuration.',
        tags: ['config'],
        querystring: ConfigQuery,
        response: { 200: documentResponse, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => send(reply, toConfigDocument(config.services), formatFor(request)),
  );

  app.put<{ Querystring: ConfigQuery; Body: ConfigDocumentInput }>(
    '/config',
    {
      bodyLimit: CONFIG_BODY_LIMIT,
      schema: {
        summary: 'Replace the whole configuration',
        description:
          'Validated as a whole, then applied atomically in one transaction and one engine apply: services are ' +
          'matched by name and backends by address (matched ones keep their ids and connections), missing ones ' +
          'are deleted (their connections drain), new ones are created. Omitted fields take their defaults. ' +
          'Body: JSON or YAML (`Content-Type: application/yaml`). `If-Match` with the ETag of GET /api/config ' +
          'guards against lost updates. Answers the new configuration (in the format of ?format, Accept or the body); ' +
          '`x-fulcrum-changes` counts the services created, updated, deleted and unchanged. A listen address held by ' +
          'another service of the current configuration cannot be taken over in the same document (409 ADDRESS_IN_USE). ' +
          'A backend that is its service\'s own listener is refused (400 SELF_LOOP). The answer carries `warnings` when there is ' +
          'something to say (UNRESOLVED_HOST, SAME_ENDPOINT, NO_IDLE_TIMEOUT for a created service); an import ignores a ' +
          '`warnings` member, so an answer can be sent back as it is.',
        tags: ['config'],
        querystring: ConfigQuery,
        headers: ConfigIfMatchHeaders,
        body: ConfigDocumentInput,
        consumes: ['application/json', 'application/yaml'],
        response: { 200: documentResponse, ...errorResponses(...CHANGE_ERRORS, 409, 422) },
      },
    },
    async (request, reply) => {
      const expected = parseConfigIfMatch(request.headers['if-match']);
      const addresses = request.body.services.flatMap((service) => (service.backends ?? []).map((b) => b.address));
      const checks = await checksFor(addresses, node.listenHost ?? undefined);
      const before = config.services;
      let idToName = new Map<number, string>();
      let summary: ReplaceSummary;
      try {
        summary = await config.change(request.actor, (ctx) => {
          if (expected !== undefined && expected !== configEtag(toConfigDocument(ctx.store.readServices()))) {
            throw new ApiError(409, 'VERSION_CONFLICT', 'the configuration changed since you read it (If-Match); re-read it and retry', 'if-match');
          }
          return replaceConfig(ctx, request.body, (ids) => (idToName = ids), checks);
        });
      } catch (err) {
        throw locateEngineError(err, request.body, idToName, before);
      }
      const counts = (['created', 'updated', 'deleted', 'unchanged'] as const).map((k) => `${k}=${summary[k].length}`);
      void reply.header('x-fulcrum-changes', counts.join(' '));
      return send(reply, toConfigDocument(config.services), formatFor(request), checks.warnings);
    },
  );
};
