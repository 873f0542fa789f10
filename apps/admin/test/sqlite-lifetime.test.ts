// better-sqlite3 12 on Node ≥ 24.19: a statement or connection that V8 garbage-collects aborts
// the process (README, "Node releases"). The store keeps every one it creates for the
// process's lifetime; these tests hold it to that on every Node release.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, expect, it } from 'vitest';
import { STATEMENT_LIMIT, StatementLimitError, openDatabase } from '../src/store/retained-database.ts';
import { runNode, killChildren } from './cli-helpers.ts';

afterEach(killChildren);

// A full collection on demand, in this process (the flag applies to contexts made after it).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects until `probe` is gone (proof that collections ran), at most 20 times. */
async function collectGarbage(probe: WeakRef<object>): Promise<void> {
  for (let i = 0; i < 20 && probe.deref() !== undefined; i++) {
    // A WeakRef's target is kept until the current job ends: let it end first.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  expect(probe.deref()).toBeUndefined();
}

it('statements and connections dropped by the store code paths survive garbage collection', async () => {
  const r = runNode(['--import', 'tsx', 'test/fixtures/store-churn.ts']);
  const code = await r.exit();
  expect({ code, signal: r.child.signalCode, stderr: r.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });
  expect(r.stdout()).toMatch(/^store churn survived garbage collection/);
}, 60_000);

it('keeps a closed connection and its statements, and an unused one, through full collections', async () => {
  const refs = ((): WeakRef<object>[] => {
    const used = openDatabase(':memory:');
    const stmt = used.prepare('SELECT 1 AS one');
    stmt.get();
    const pragma = used.prepare('PRAGMA user_version');
    used.close();
    return [new WeakRef(used), new WeakRef(stmt), new WeakRef(pragma), new WeakRef(openDatabase(':memory:'))];
  })();
  await collectGarbage(new WeakRef({}));
  expect(refs.map((ref) => ref.deref() !== undefined)).toEqual([true, true, true, true]);
});

it('prepares each SQL text once, handing it back in the default row mode', () => {
  const db = openDatabase(':memory:');
  const first = db.prepare<[], { one: number }>('SELECT 1 AS one');
  expect(first.pluck().get()).toBe(1);
  const again = db.prepare<[], { one: number }>('SELECT 1 AS one');
  expect(again).toBe(first);
  expect(again.get()).toEqual({ one: 1 });
  expect(db.prepare('SELECT 2 AS two')).not.toBe(first);
  db.close();
});

it('pragma() reads and writes like better-sqlite3 own, over the kept statements', () => {
  const db = openDatabase(':memory:');
  expect(db.pragma('user_version = 7')).toEqual([]);
  expect(db.pragma('user_version = 7', { simple: true })).toBeUndefined();
  expect(db.pragma('user_version', { simple: true })).toBe(7);
  expect(db.pragma('user_version')).toEqual([{ user_version: 7 }]);
  expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: 7 });
  db.close();
});

it('refuses more distinct SQL texts than its limit on one connection', () => {
  const db = openDatabase(':memory:');
  for (let i = 0; i < STATEMENT_LIMIT; i++) db.prepare(`SELECT ${i}`);
  expect(db.prepare('SELECT 0')).toBeDefined();
  expect(() => db.prepare(`SELECT ${STATEMENT_LIMIT}`)).toThrow(StatementLimitError);
  db.close();
});
