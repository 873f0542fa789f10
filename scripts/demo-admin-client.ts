// The few admin API calls the demo makes, with the Bearer token and a timeout on each.
import type { ApiErrorBody, ServiceDto, StatsDto } from '../packages/shared/src/api.ts';

/** A non-2xx answer; `code` is the API's stable error code. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** Talks to one Fulcrum admin API as the admin. */
export class AdminClient {
  readonly #baseUrl: string;
  readonly #token: string;

  /** `baseUrl` ends with a slash, e.g. `http://127.0.0.1:8080/`. */
  constructor(baseUrl: string, token: string) {
    this.#baseUrl = baseUrl;
    this.#token = token;
  }

  async #request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(`api/${path}`, this.#baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.#token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) {
      let error: Partial<ApiErrorBody> = {};
      try {
        error = JSON.parse(text) as ApiErrorBody;
      } catch {
        // not JSON: keep the status
      }
      throw new AdminApiError(res.status, error.code ?? 'HTTP_ERROR', error.message ?? `${method} /api/${path}: HTTP ${res.status}`);
    }
    return JSON.parse(text) as T;
  }

  createService(body: Record<string, unknown>): Promise<ServiceDto> {
    return this.#request<ServiceDto>('POST', 'services', body);
  }

  stats(): Promise<StatsDto> {
    return this.#request<StatsDto>('GET', 'stats');
  }
}
