// Fastify's, its router's and its plugins' own request errors (FST_ERR_*, @fastify/static's 403s,
// Node's HTTP parser errors) mapped to the documented API codes, so every error body has the one
// format and a code from API_ERROR_CODES. Fastify's own bodies say "Bad Request" with a 414 and
// carry FST_ERR_* codes nobody documents.
import type { Socket } from 'node:net';
import type { FastifyError } from 'fastify';
import type { ApiErrorBody, ApiErrorCode } from '@fulcrum/shared/api';

/** Longest path parameter the router accepts (Fastify's default, named so the 404 handler can agree). */
export const MAX_PARAM_LENGTH = 100;

interface Mapped {
  statusCode: number;
  code: ApiErrorCode;
  message: string;
}

/** The limits a message may name: the request's route body limit. */
export interface RequestFacts {
  bodyLimit?: number;
  contentType?: string;
  /** Content types the route accepts (schema.consumes), JSON when not listed. */
  consumes?: readonly string[];
}

const BY_CODE: Record<string, (facts: RequestFacts) => Mapped> = {
  FST_ERR_BAD_URL: () => ({ statusCode: 400, code: 'MALFORMED_REQUEST', message: 'the URL has invalid percent-encoding' }),
  FST_ERR_MAX_PARAM_LENGTH: () => ({ statusCode: 414, code: 'URI_TOO_LONG', message: `a path segment is longer than ${MAX_PARAM_LENGTH} characters` }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => ({ statusCode: 400, code: 'MALFORMED_REQUEST', message: 'the body size does not match Content-Length' }),
  FST_ERR_CTP_BODY_TOO_LARGE: ({ bodyLimit }) => ({
    statusCode: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: bodyLimit ? `the request body is larger than this route's limit of ${bodyLimit} bytes` : 'the request body is too large',
  }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ({ contentType, consumes }) => ({
    statusCode: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: `content-type ${contentType ? JSON.stringify(contentType) : '(none)'} is not accepted here; send ${(consumes?.length ? consumes : ['application/json']).join(' or ')}`,
  }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => ({ statusCode: 400, code: 'VALIDATION_ERROR', message: 'body: is empty' }),
  FST_ERR_CTP_INVALID_JSON_BODY: () => ({ statusCode: 400, code: 'VALIDATION_ERROR', message: 'JSON: the body is not valid JSON' }),
  FST_ERR_NOT_FOUND: () => ({ statusCode: 404, code: 'NOT_FOUND', message: 'not found' }),
  // @fastify/static refuses paths that leave its root or hold a NUL byte with 403; for the
  // client there is simply no such file, and a 404 says nothing about what lies outside.
  FST_STATIC_FORBIDDEN_PATH: () => ({ statusCode: 404, code: 'NOT_FOUND', message: 'no such file' }),
};

/** The code of each 4xx status when an error brings no known code. */
const BY_STATUS: Partial<Record<number, Mapped>> = {
  400: { statusCode: 400, code: 'VALIDATION_ERROR', message: 'invalid request' },
  401: { statusCode: 401, code: 'UNAUTHORIZED', message: 'unauthorized' },
  // Only @fastify/static (through the send library) raises bare 403s: see FST_STATIC_FORBIDDEN_PATH.
  403: { statusCode: 404, code: 'NOT_FOUND', message: 'no such file' },
  404: { statusCode: 404, code: 'NOT_FOUND', message: 'not found' },
  408: { statusCode: 408, code: 'REQUEST_TIMEOUT', message: 'the request was not received in time' },
  413: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' },
  414: { statusCode: 414, code: 'URI_TOO_LONG', message: 'the URL is too long' },
  415: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'unsupported content-type' },
  429: { statusCode: 429, code: 'RATE_LIMITED', message: 'too many requests' },
  431: { statusCode: 431, code: 'HEADERS_TOO_LARGE', message: 'the request headers are too large' },
};

/**
 * The API answer to an error Fastify or a plugin raised (not an ApiError), or undefined for a
 * status of 500 and above (those are bugs: the caller answers INTERNAL). A 4xx without a known
 * code or status is a MALFORMED_REQUEST, with its own message (4xx messages are for clients).
 */
export function mapFrameworkError(error: FastifyError, facts: RequestFacts = {}): Mapped | undefined {
  const known = error.code ? BY_CODE[error.code] : undefined;
  if (known) return known(facts);
  const status = error.statusCode ?? 500;
  if (status < 400 || status >= 500) return undefined;
  if (status === 400 && error.message) return { statusCode: 400, code: 'VALIDATION_ERROR', message: error.message };
  return BY_STATUS[status] ?? { statusCode: 400, code: 'MALFORMED_REQUEST', message: error.message || 'malformed request' };
}

function rawResponse(body: ApiErrorBody): string {
  const json = JSON.stringify(body);
  const reason = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[body.statusCode] ?? 'Bad Request';
  return (
    `HTTP/1.1 ${body.statusCode} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`
  );
}

/**
 * Fastify `clientErrorHandler`: a request Node's HTTP parser could not read (malformed request
 * line or headers, headers too large, too slow) gets an ApiErrorBody too, then the socket closes.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let body: ApiErrorBody;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    body = { statusCode: 431, code: 'HEADERS_TOO_LARGE', message: 'the request headers are too large' };
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    body = { statusCode: 408, code: 'REQUEST_TIMEOUT', message: 'the request was not received in time' };
  } else {
    body = { statusCode: 400, code: 'MALFORMED_REQUEST', message: 'the request is not valid HTTP/1.1' };
  }
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  // Answer, then FIN; keep reading (and dropping) what the client still sends until it closes,
  // for at most CLIENT_ERROR_LINGER_MS: closing with its bytes unread would send a reset, which can
  // reach the client before the answer does (seen on Node 26 for oversized headers).
  socket.end(rawResponse(body));
  socket.on('data', () => {});
  socket.resume();
  socket.once('end', () => socket.destroy());
  setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS).unref();
}

/** How long a connection answered with a client error may drain before it is closed anyway. */
const CLIENT_ERROR_LINGER_MS = 1000;
