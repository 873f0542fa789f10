// The session table in SQLite: idle expiry, refresh, pruning and the size bound, on a clock we move.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SessionStore } from '../src/auth/sessions.ts';
import { openStore } from '../src/store/store.ts';
import type { Store } from '../src/store/store.ts';
import { tempDir } from './helpers.ts';

const IDLE = 12 * 60 * 60 * 1000;
let store: Store;
let remove: () => void;
let now = 1_000_000;
let tokenId: number;
const sessions = (maxSessions?: number) =>
  new SessionStore({ repo: store.sessions, write: async (task) => task(), idleTimeoutMs: IDLE, maxSessions, now: () => now });

beforeEach(() => {
  const temp = tempDir();
  remove = temp.remove;
  store = openStore(temp.dir);
  tokenId = store.tokens.insert('ops', 'hash');
});

afterEach(() => {
  store.close();
  remove();
});

it('expires a session left idle for 12 h, and each use starts the 12 h again', async () => {
  const table = sessions();
  const id = await table.create(tokenId);
  now += IDLE - 1;
  expect(table.touch(id)).toMatchObject({ actor: 'ops', tokenId });
  await Promise.resolve(); // the refresh is written in the background
  now += IDLE - 1;
  expect(table.touch(id)).toMatchObject({ actor: 'ops', tokenId });
  now += IDLE;
  expect(table.touch(id)).toBeUndefined();
});

it('prunes expired sessions only', async () => {
  const table = sessions();
  await table.create(tokenId);
  now += IDLE / 2;
  const fresh = await table.create(tokenId);
  now += IDLE / 2;
  expect(await table.prune()).toBe(1);
  expect(table.size).toBe(1);
  expect(table.touch(fresh)).toMatchObject({ actor: 'ops', tokenId });
});

it('drops the least recently used session beyond the bound', async () => {
  const table = sessions(2);
  const a = await table.create(tokenId);
  now += 1000;
  const b = await table.create(tokenId);
  now += 100_000;
  table.touch(a); // a is now the more recently used
  await Promise.resolve();
  const c = await table.create(tokenId);
  expect(table.size).toBe(2);
  expect(table.touch(b)).toBeUndefined();
  expect(table.touch(a)).toMatchObject({ actor: 'ops', tokenId });
  expect(table.touch(c)).toMatchObject({ actor: 'ops', tokenId });
});
