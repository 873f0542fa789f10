// The one error handler: every failure leaves as ApiErrorBody. 5xx details go to the log only.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorBody, ApiErrorCode } from '@fulcrum/shared/api';
import { ApiError } from './api-error.ts';
import { pointerToField } from './validator-compiler.ts';
import { MAX_PARAM_LENGTH, mapFrameworkError } from './framework-errors.ts';
import type { RequestFacts } from './framework-errors.ts';

function body(statusCode: number, code: ApiErrorCode, message: string, field?: string): ApiErrorBody {
  return field === undefined ? { statusCode, code, message } : { statusCode, code, message, field };
}

/** Maps any thrown error to a status and ApiErrorBody; `facts` about the request sharpen framework errors' messages. */
export function toErrorBody(error: FastifyError | ApiError | Error, facts?: RequestFacts): ApiErrorBody {
  if (error instanceof ApiError) {
    // Operational 503s, not bugs: their messages say what is unavailable and that nothing changed.
    if (error.statusCode === 503 && (error.code === 'STORE_UNAVAILABLE' || error.code === 'ENGINE_UNAVAILABLE' || error.code === 'UPGRADE_IN_PROGRESS' || error.code === 'HISTORY_UNAVAILABLE')) return body(503, error.code, error.message);
    // The named node is down or not a Fulcrum admin: say which, as the caller picked it.
    if (error.statusCode === 502 && (error.code === 'NODE_UNREACHABLE' || error.code === 'NODE_REFUSED_CREDENTIALS')) return body(502, error.code, error.message, error.field);
    if (error.statusCode >= 500) return body(error.statusCode, 'INTERNAL', 'internal server error');
    return body(error.statusCode, error.code, error.message, error.field);
  }
  const status = (error as FastifyError).statusCode ?? 500;
  if (status < 400 || status >= 500) return body(500, 'INTERNAL', 'internal server error');
  const validation = (error as FastifyError).validation;
  if (validation?.[0]) {
    // Ajv-style errors (only from plugins that bring their own validator).
    const first = validation[0];
    const missing = (first.params as { missingProperty?: string }).missingProperty;
    const pointer = first.instancePath + (missing ? `/${missing}` : '');
    const field = pointerToField(pointer);
    return body(400, 'VALIDATION_ERROR', `${field ?? 'request'}: ${first.message ?? 'is invalid'}`, field);
  }
  const mapped = mapFrameworkError(error as FastifyError, facts);
  return mapped ? body(mapped.statusCode, mapped.code, mapped.message) : body(500, 'INTERNAL', 'internal server error');
}

function factsOf(request: FastifyRequest): RequestFacts {
  const schema = request.routeOptions?.schema as { consumes?: string[] } | undefined;
  return { bodyLimit: request.routeOptions?.bodyLimit, contentType: request.headers['content-type'], consumes: schema?.consumes };
}

/** Fastify error handler: logs server errors, answers with ApiErrorBody. */
export function errorHandler(error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): void {
  const payload = toErrorBody(error, factsOf(request));
  if (payload.code === 'STORE_UNAVAILABLE') request.log.warn({ err: error }, 'change refused: the shared store is unreachable');
  else if (payload.code === 'UPGRADE_IN_PROGRESS') void reply.header('retry-after', '1');
  else if (payload.code === 'ENGINE_UNAVAILABLE') request.log.warn({ err: error }, 'change refused: the data plane cannot take it right now');
  else if (payload.code === 'NODE_UNREACHABLE' || payload.code === 'NODE_REFUSED_CREDENTIALS') request.log.warn({ err: error }, 'another node did not answer a forwarded request');
  else if (payload.code === 'HISTORY_UNAVAILABLE') request.log.warn({ err: error }, 'metric history unavailable; traffic and the other routes are not affected');
  else if (payload.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.debug({ err: error }, 'request rejected');
  void reply.code(payload.statusCode).type('application/json; charset=utf-8').send(payload);
}

/** A path segment the router would not take as a parameter (with the dashboard's catch-all route, such paths end up here). */
function tooLongSegment(path: string): boolean {
  return path.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH);
}

/** 404 for unknown API routes (414 when a path segment is too long to be any route's parameter). */
export function apiNotFound(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0] ?? '/';
  const payload = tooLongSegment(path)
    ? body(414, 'URI_TOO_LONG', `a path segment is longer than ${MAX_PARAM_LENGTH} characters`)
    : body(404, 'NOT_FOUND', `no route ${request.method} ${path.length > 200 ? `${path.slice(0, 200)}…` : path}`);
  void reply.code(payload.statusCode).type('application/json; charset=utf-8').send(payload);
}

/** 404 for a missing static file, as an ApiErrorBody. */
export function fileNotFound(reply: FastifyReply): void {
  void reply.code(404).type('application/json; charset=utf-8').send(body(404, 'NOT_FOUND', 'no such file'));
}
