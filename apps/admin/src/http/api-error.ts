// The one error type routes and services throw; the error handler turns it into ApiErrorBody.
import type { ApiErrorCode } from '@fulcrum/shared/api';
import { EngineError } from '@fulcrum/engine';

/** An error with a stable API code, an HTTP status and optionally the field at fault. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: ApiErrorCode;
  readonly field: string | undefined;
  constructor(statusCode: number, code: ApiErrorCode, message: string, field?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.field = field;
  }
}

/** 400 VALIDATION_ERROR naming `field`. */
export const validationError = (field: string, message: string): ApiError =>
  new ApiError(400, 'VALIDATION_ERROR', `${field}: ${message}`, field);

/** 404 NOT_FOUND. */
export const notFound = (what: string): ApiError => new ApiError(404, 'NOT_FOUND', `${what} not found`);

/**
 * Maps an engine refusal to the API: address in use → 409, invalid config → 400 naming the
 * field (relative to the service: `services[0].healthCheck.rise` → `healthCheck.rise`), a data
 * plane that cannot take a change right now (no live worker, a worker timed out or exited, the
 * engine closed) → 503, an unexpected engine failure → 500, anything else → 422. Errors that are
 * not EngineErrors pass through unchanged.
 */
export function fromEngineError(err: unknown): unknown {
  if (!(err instanceof EngineError)) return err;
  switch (err.code) {
    case 'FULCRUM_ADDRESS_IN_USE':
      return new ApiError(409, 'ADDRESS_IN_USE', err.message, 'listen', { cause: err });
    case 'FULCRUM_INVALID_CONFIG': {
      const field = err.field?.replace(/^services\[\d+\]\.?/, '') || undefined;
      return new ApiError(400, 'VALIDATION_ERROR', err.message, field, { cause: err });
    }
    case 'FULCRUM_NO_WORKER':
    case 'FULCRUM_WORKER_TIMEOUT':
    case 'FULCRUM_WORKER_EXITED':
    case 'FULCRUM_ENGINE_CLOSED':
      return new ApiError(503, 'ENGINE_UNAVAILABLE', err.message, undefined, { cause: err });
    case 'FULCRUM_INTERNAL':
      return new ApiError(500, 'INTERNAL', err.message, undefined, { cause: err });
    default:
      return new ApiError(422, 'ENGINE_REJECTED', err.message, err.field, { cause: err });
  }
}
