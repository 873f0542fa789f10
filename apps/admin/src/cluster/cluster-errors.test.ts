// Every failure of engines in worker processes reaches the admin as an EngineError with a stable,
// documented code, and leaves the API with the status and code README promises (never a bare 500).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_ERROR_CODES, EngineError, ListenError } from '@fulcrum/engine';
import type { EngineConfig } from '@fulcrum/engine';
import { fromWire, toError } from './cluster-engine.ts';
import { fromEngineError } from '../http/api-error.ts';
import { toErrorBody } from '../http/error-handler.ts';

const config: EngineConfig = { services: [] };
const worker = { id: 3, pid: 4242 };
const apiBody = (err: EngineError) => toErrorBody(fromEngineError(err) as Error);

describe('worker failures', () => {
  it('a worker that did not confirm a config in time is FULCRUM_WORKER_TIMEOUT → 503 ENGINE_UNAVAILABLE', () => {
    const err = toError({ kind: 'timeout' }, worker, 7, config);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.code).toBe('FULCRUM_WORKER_TIMEOUT');
    expect(err.message).toMatch(/worker 3 \(pid 4242\) did not confirm it in time \(config version 7\); nothing was changed/);
    expect(apiBody(err)).toEqual({ statusCode: 503, code: 'ENGINE_UNAVAILABLE', message: err.message });
  });

  it('a worker that exited during an apply is FULCRUM_WORKER_EXITED → 503 ENGINE_UNAVAILABLE', () => {
    const err = toError({ kind: 'gone' }, worker, 7, config);
    expect(err.code).toBe('FULCRUM_WORKER_EXITED');
    expect(apiBody(err)).toMatchObject({ statusCode: 503, code: 'ENGINE_UNAVAILABLE' });
  });

  it('an unexpected failure inside a worker is FULCRUM_INTERNAL → 500 INTERNAL without details', () => {
    const err = fromWire({ code: 'INTERNAL', message: 'x is not a function' }, config);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.code).toBe('FULCRUM_INTERNAL');
    expect(apiBody(err)).toEqual({ statusCode: 500, code: 'INTERNAL', message: 'internal server error' });
  });

  it('a refusal keeps its class and code across the IPC hop', () => {
    const config1: EngineConfig = { services: [{ id: 5, host: '127.0.0.1', port: 6380 } as EngineConfig['services'][number]] };
    const err = fromWire({ code: 'FULCRUM_ADDRESS_IN_USE', message: 'in use', serviceId: 5, errno: 'EADDRINUSE' }, config1);
    expect(err).toBeInstanceOf(ListenError);
    expect(apiBody(err)).toMatchObject({ statusCode: 409, code: 'ADDRESS_IN_USE' });
  });
});

it('README lists every engine error code', () => {
  const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
  const table = readme.slice(readme.indexOf('## Engine error codes'));
  for (const code of ENGINE_ERROR_CODES) expect(table, code).toContain(`| \`${code}\` |`);
});
