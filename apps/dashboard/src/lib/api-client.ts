// The one HTTP client of the console: JSON in and out, the CSRF header on every change,
// the session cookie, and typed errors carrying the admin's stable `code`.
import type { ApiErrorBody, ApiErrorCode } from '@fulcrum/shared/api';

/** Codes produced on the client side, in addition to the admin's API_ERROR_CODES. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE';

/** An API failure. Branch on `code`, never on `message`. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: ApiErrorCode | ClientErrorCode | (string & {});
  readonly field: string | undefined;

  constructor(body: ApiErrorBody | { statusCode: number; code: ClientErrorCode; message: string; field?: string }) {
    super(body.message);
    this.name = 'ApiError';
    this.statusCode = body.statusCode;
    this.code = body.code;
    this.field = body.field;
  }
}

/** True when `value` looks like the admin's error body. */
export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.statusCode === 'number' && typeof v.code === 'string' && typeof v.message === 'string';
}

/**
 * The admin's message without its `field: ` prefix, for showing next to that field. The wording
 * is the admin's own (the API's message is the truth); only a prefix that repeats `field` goes.
 */
export function messageForField(message: string, field?: string): string {
  return field !== undefined && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/** Turns any thrown value into a message an operator can read (an API error's, shown by its field). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return messageForField(error.message, error.field);
  if (error instanceof Error) return error.message;
  return String(error);
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler | null = null;

/** Called when any request (other than login/session probes) comes back 401: the session is gone. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler;
}

export const API_BASE = '/api';

export interface RequestOptions {
  body?: unknown;
  /** Skip the global 401 handler (login and session probes handle 401 themselves). */
  allowUnauthorized?: boolean;
  signal?: AbortSignal;
  /** Sent as `If-Match: "N"`: the change is refused (409 VERSION_CONFLICT) unless the service is still at version N. */
  ifMatch?: number;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Sends a request to the admin API and returns the parsed JSON body (undefined for 204). */
export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (MUTATING.has(method)) headers['x-fulcrum-csrf'] = '1';
  if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(API_BASE + path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ statusCode: 0, code: 'NETWORK_ERROR', message: 'Cannot reach the admin server. Check that it is running.' });
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !options.allowUnauthorized) onUnauthorized?.();
    if (isApiErrorBody(parsed)) throw new ApiError(parsed);
    throw new ApiError({
      statusCode: response.status,
      code: response.status === 401 ? 'UNAUTHORIZED' : 'BAD_RESPONSE',
      message: `${response.status} ${response.statusText || 'error'} from ${method} ${path}`,
    });
  }
  if (response.status === 204 || !text) return undefined as T;
  if (parsed === undefined) {
    throw new ApiError({ statusCode: response.status, code: 'BAD_RESPONSE', message: `Unreadable response from ${method} ${path}` });
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => apiRequest<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => apiRequest<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => apiRequest<T>('PATCH', path, { ...options, body }),
  delete: <T = void>(path: string, options?: RequestOptions) => apiRequest<T>('DELETE', path, options),
};
