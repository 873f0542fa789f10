// The SQLite store on disk: pragmas, migrations, constraints.
import { afterEach, expect, it } from 'vitest';
import { join } from 'node:path';
import { MIGRATIONS, SchemaTooNewError, migrate } from '../src/store/migrations.ts';
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
    sni: ['db1.example.com', '*.cache.example.com'],
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
    sni: null,
    healthCheck: {} as never,
  };
  const id = store.services.insert(values);
  expect(() => store.services.insert({ ...values, port: 6381 })).toThrow(/UNIQUE/);
  // TLS SNI routing: several services may share a listen address (the API checks the sni rule).
  const sharing = store.services.insert({ ...values, name: 'other', sni: ['a.example.com'] });
  expect(store.services.get(sharing)?.sni).toEqual(['a.example.com']);
  expect(store.services.listByListen('127.0.0.1', 6380).map((s) => s.name)).toEqual(['s', 'other']);
  store.services.delete(sharing);
  const backend = { host: '127.0.0.1', port: 1, discover: null, weight: 1, state: 'enabled' as const, backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null };
  store.backends.insert(id, backend);
  expect(() => store.backends.insert(id, backend)).toThrow(/UNIQUE/);
  expect(() => store.backends.insert(id, { ...backend, port: 2, state: 'asleep' as never })).toThrow(/CHECK/);
  expect(() => store.backends.insert(424242, { ...backend, port: 3 })).toThrow(/FOREIGN KEY/);
  store.services.delete(id);
  expect(store.backends.list()).toEqual([]);
});

it('step 8 (shared listen addresses) keeps services, backends, ids and the cascade of a version 7 database', () => {
  const { dir, remove } = tempDir();
  cleanup.push(remove);
  const raw = openDatabase(join(dir, DB_FILE));
  raw.pragma('foreign_keys = ON');
  migrate(raw, MIGRATIONS.slice(0, 7));
  const now = new Date().toISOString();
  raw.prepare(`INSERT INTO services (name, host, port, strategy, connect_timeout_ms, idle_timeout_ms, retries, drain_timeout_ms, max_queue, queue_timeout_ms, created_at, updated_at, allow_cidrs)
    VALUES ('a', '127.0.0.1', 7000, 'random', 1, 0, 0, 0, 0, 1, ?, ?, '["10.0.0.0/8"]')`).run(now, now);
  raw.prepare(`INSERT INTO backends (service_id, host, port, weight, state, created_at) VALUES (1, '127.0.0.1', 1, 1, 'enabled', ?)`).run(now);
  raw.prepare(`INSERT INTO backends (service_id, host, port, weight, state, created_at) VALUES (1, '127.0.0.1', 2, 1, 'enabled', ?)`).run(now);
  raw.prepare('DELETE FROM backends WHERE port = 2').run();
  raw.close();
  const store = openStore(dir);
  cleanup.push(() => store.close());
  expect(store.services.get(1)).toMatchObject({ name: 'a', allow: ['10.0.0.0/8'], sni: null });
  expect(store.backends.listByService(1).map((b) => b.port)).toEqual([1]);
  // The id counters survived: the next backend is id 3, not 2 (ids are never handed out twice).
  const { host, port, version: _v, id: _id, ...rest } = store.services.get(1)!;
  expect(store.backends.insert(1, { host, port: 3, discover: null, weight: 1, state: 'enabled', backup: false, maxConnections: 0, agentCheck: null, proxyProtocol: null })).toBe(3);
  expect(store.services.insert({ ...rest, name: 'b', host, port, sni: ['b.example.com'] })).toBe(2);
  // The foreign key points at the new services table: deleting a service still removes its backends.
  store.services.delete(1);
  expect(store.backends.listByService(1)).toEqual([]);
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
