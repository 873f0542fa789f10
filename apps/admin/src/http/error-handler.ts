// The one error handler: every failure leaves as ApiErrorBody. 5xx details go to the log only.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorBody, ApiErrorCode } from '@fulcrum/shared/api';
import { ApiError } from './api-error.ts';
import { pointerToField } from './validator-compiler.ts';

function body(statusCode: number, code: ApiErrorCode, message: string, field?: string): ApiErrorBody {
  return field === undefined ? { statusCode, code, message } : { statusCode, code, message, field };
}

function codeForStatus(status: number): ApiErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHORIZED';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return 'VALIDATION_ERROR';
  }
}

/** Maps any thrown error to a status and ApiErrorBody. */
export function toErrorBody(error: FastifyError | ApiError | Error): ApiErrorBody {
  if (error instanceof ApiError) {
    // Operational 503s, not bugs: their messages say what is unavailable and that nothing changed.
    if (error.statusCode === 503 && (error.code === 'STORE_UNAVAILABLE' || error.code === 'ENGINE_UNAVAILABLE' || error.code === 'UPGRADE_IN_PROGRESS')) return body(503, error.code, error.message);
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
  return body(status, codeForStatus(status), error.message);
}

/** Fastify error handler: logs server errors, answers with ApiErrorBody. */
export function errorHandler(error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply): void {
  const payload = toErrorBody(error);
  if (payload.code === 'STORE_UNAVAILABLE') request.log.warn({ err: error }, 'change refused: the shared store is unreachable');
  else if (payload.code === 'UPGRADE_IN_PROGRESS') void reply.header('retry-after', '1');
  else if (payload.code === 'ENGINE_UNAVAILABLE') request.log.warn({ err: error }, 'change refused: the data plane cannot take it right now');
  else if (payload.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.debug({ err: error }, 'request rejected');
  void reply.code(payload.statusCode).type('application/json; charset=utf-8').send(payload);
}

/** 404 for unknown API routes. */
export function apiNotFound(request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(404)
    .type('application/json; charset=utf-8')
    .send(body(404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
}
