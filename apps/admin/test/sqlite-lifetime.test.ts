// better-sqlite3 12 on Node ≥ 24.19: a statement or connection that V8 garbage-collects aborts
// the process (README, "Node releases"). The store keeps every one it creates for the
// process's lifetime; these tests hold it to that on every Node release.
import { afterEach, expect, it } from 'vitest';
import { runNode, killChildren } from './cli-helpers.ts';

afterEach(killChildren);

it('statements and connections dropped by the store code paths survive garbage collection', async () => {
  const r = runNode(['--import', 'tsx', 'test/fixtures/store-churn.ts']);
  const code = await r.exit();
  expect({ code, signal: r.child.signalCode, stderr: r.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });
  expect(r.stdout()).toMatch(/^store churn survived garbage collection/);
}, 60_000);
