// The SQLite store on disk: pragmas, migrations, constraints.
import { afterEach, expect, it } from 'vitest';
import { join } from 'node:path';
import { MIGRATIONS, SchemaTooNewError } from '../src/store/migrations.ts';
import { DB_FILE, openStore } from '../src/store/store.ts';
import { openDatabase } from '../src/store/retained-database.ts';
import { tempDir } from './helpers.ts';
import { CLIENT_LIMITS_DEFAULTS } from '@fulcrum/shared/defaults';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0).reverse()) fn();
});

function open() {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  const store = openStore(join(dir, 'nested', 'data'));
  cleanup.push(() => store.close());
  return store;
}

it('creates the data directory and opens with WAL, FULL sync and foreign keys', () => {
  const store = open();
  expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
  expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
  expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
});

it('migrates once: reopening keeps data and version', () => {
  const store = open();
  const id = store.services.insert({
    name: 's',
    host: '127.0.0.1',
    port: 6380,
    strategy: 'random',
    strategyOptions: {},
    connectTimeoutMs: 1,
    idleTimeoutMs: 0,
    retries: 0,
    drainTimeoutMs: 0,
    maxQueue: 0,
    queueTimeoutMs: 1,
    maxConnectionLifetimeMs: 0,
    agentCheck: null,
    allow: ['10.0.0.0/8'],
    deny: [],
    proxyProtocol: 'v2',
    acceptProxyProtocol: { from: ['10.0.0.0/8'] },
    limits: { ...CLIENT_LIMITS_DEFAULTS, perClientRate: { connections: 5, intervalMs: 1000 } },
    healthCheck: { type: 'none' } as never,
  });
  store.close();
  const again = openStore(store.dataDir);
  cleanup.push(() => again.close());
  expect(again.services.get(id)?.name).toBe('s');
  // Stored health checks are completed with defaults on read.
  expect(again.services.get(id)?.healthCheck.intervalMs).toBe(2000);
  expect(again.services.get(id)?.proxyProtocol).toBe('v2');
  expect(again.services.get(id)?.acceptProxyProtocol).toEqual({ from: ['10.0.0.0/8'] });
  expect(again.services.get(id)?.limits).toEqual({ ...CLIENT_LIMITS_DEFAULTS, perClientRate: { connections: 5, intervalMs: 1000 } });
});

it('cascades backend deletes and enforces uniqueness', () => {
  const store = open();
  const values = {
    name: 's',
    host: '127.0.0.1',
    port: 6380,
    strategy: 'random' as const,
    strategyOptions: {},
    connectTimeoutMs: 1,
    idleTimeoutMs: 0,
    retries: 0,
    drainTimeoutMs: 0,
    maxQueue: 0,
    queueTimeoutMs: 1,
    maxConnectionLifetimeMs: 0,
    agentCheck: null,
    allow: [],
    deny: [],
    proxyProtocol: 'off' as const,
    acceptProxyProtocol: null,
    limits: CLIENT_LIMITS_DEFAULTS,
    healthCheck: {} as never,
  };
  const id = store.services.insert(values);
  expect(() => store.services.insert({ ...values, name: 'other' })).toThrow(/UNIQUE/);
  const backend = { host: '127.0.0.1', port: 1, discover: null, weight: 1, state: 'enabled' as const, backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null };
  store.backends.insert(id, backend);
  expect(() => store.backends.insert(id, backend)).toThrow(/UNIQUE/);
  expect(() => store.backends.insert(id, { ...backend, port: 2, state: 'asleep' as never })).toThrow(/CHECK/);
  expect(() => store.backends.insert(424242, { ...backend, port: 3 })).toThrow(/FOREIGN KEY/);
  store.services.delete(id);
  expect(store.backends.list()).toEqual([]);
});

it('refuses a database written by a newer fulcrum', () => {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  const raw = openDatabase(join(dir, DB_FILE));
  raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  raw.close();
  expect(() => openStore(dir)).toThrow(SchemaTooNewError);
});

it('prunes the event log beyond its bound', async () => {
  const store = open();
  const { createEventsRepo } = await import('../src/store/events-repo.ts');
  const events = createEventsRepo(store.db, { maxEvents: 10 });
  for (let i = 0; i < 1000; i++) events.insert({ kind: 'k', actor: 'a', message: String(i) });
  const left = events.list({ limit: 500 });
  expect(left.length).toBeLessThanOrEqual(11);
  expect(left[0]?.message).toBe('999');
});

it('keeps settings as key/value pairs', () => {
  const store = open();
  expect(store.settings.get('k')).toBeUndefined();
  store.settings.set('k', 'v1');
  store.settings.set('k', 'v2');
  expect(store.settings.get('k')).toBe('v2');
  store.settings.delete('k');
  expect(store.settings.get('k')).toBeUndefined();
});
