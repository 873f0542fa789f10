import { describe, expect, it } from 'vitest';
import type { ConnectionDto, ConnectionPageDto } from '@fulcrum/shared/connections';
import { WORKER_CONNECTION_ID_SPAN } from '@fulcrum/shared/connections';
import { mergeConnectionPages, workerOfConnection } from './connection-pages.ts';

const row = (id: number): ConnectionDto => ({ id, client: '127.0.0.1:1', backendId: 1, backend: '127.0.0.1:2', state: 'established', ageMs: 0, bytesIn: 0, bytesOut: 0 });

/** What one worker answers for `after`/`limit` out of all its ids (as the engine does). */
function workerPage(ids: number[], after: number, limit: number): ConnectionPageDto {
  const rest = ids.filter((id) => id > after);
  const page = rest.slice(0, limit);
  return { connections: page.map(row), next: rest.length > limit ? page.at(-1)! : null };
}

describe('mergeConnectionPages', () => {
  it('walks every worker’s connections exactly once, in id order, a bounded page at a time', () => {
    const w1 = [1, 2, 3, 4, 5].map((n) => WORKER_CONNECTION_ID_SPAN + n);
    const w2 = [1, 2, 3].map((n) => 2 * WORKER_CONNECTION_ID_SPAN + n);
    const seen: number[] = [];
    let after = 0;
    for (let pages = 0; pages < 10; pages++) {
      const merged = mergeConnectionPages([workerPage(w2, after, 3), workerPage(w1, after, 3)], 3);
      expect(merged.connections.length).toBeLessThanOrEqual(3);
      seen.push(...merged.connections.map((c) => c.id));
      if (merged.next === null) break;
      after = merged.next;
    }
    expect(seen).toEqual([...w1, ...w2]);
  });

  it('names the worker holding a connection', () => {
    expect(workerOfConnection(2 * WORKER_CONNECTION_ID_SPAN + 7)).toBe(2);
    expect(workerOfConnection(7)).toBe(0);
  });
});
