// Event-log retention: at most N events and D days, pruned every 1000 inserts and on a timer.
import { afterEach, expect, it } from 'vitest';
import type { TestApp } from './helpers.ts';
import { eventually, startApp, tempDir } from './helpers.ts';
import { openStore } from '../src/store/store.ts';

const DAY = 24 * 60 * 60 * 1000;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

it('prunes by age and by count', () => {
  const { dir, remove } = tempDir();
  const store = openStore(dir, { eventRetention: { maxEvents: 5, maxDays: 2 } });
  try {
    const now = Date.now();
    for (const daysAgo of [5, 3, 1.5, 1, 0.5]) {
      store.events.insert({ time: new Date(now - daysAgo * DAY), kind: 'k', actor: 'a', message: `${daysAgo}` });
    }
    expect(store.events.prune(now)).toBe(2);
    expect(store.events.list({ limit: 100 }).map((e) => e.message)).toEqual(['0.5', '1', '1.5']);
    for (let i = 0; i < 4; i++) store.events.insert({ kind: 'k', actor: 'a', message: `new ${i}` });
    expect(store.events.prune()).toBe(2);
    expect(store.events.list({ limit: 100 }).map((e) => e.message)).toEqual(['new 3', 'new 2', 'new 1', 'new 0', '0.5']);
    expect(store.events.retention).toEqual({ maxEvents: 5, maxDays: 2 });
  } finally {
    store.close();
    remove();
  }
});

it('prunes every 1000 inserts without being asked', () => {
  const { dir, remove } = tempDir();
  const store = openStore(dir, { eventRetention: { maxEvents: 100 } });
  try {
    for (let i = 0; i < 1000; i++) store.events.insert({ kind: 'k', actor: 'a', message: String(i) });
    const left = store.events.list({ limit: 500 });
    expect(left).toHaveLength(100);
    expect(left[0]?.message).toBe('999');
  } finally {
    store.close();
    remove();
  }
});

it('the app prunes old events at start and on its timer, through the config mutex', async () => {
  const { dir, remove } = tempDir();
  const seed = openStore(dir);
  seed.events.insert({ time: new Date(Date.now() - 40 * DAY), kind: 'old', actor: 'a', message: 'from last month' });
  seed.events.insert({ kind: 'new', actor: 'a', message: 'today' });
  seed.close();

  t = await startApp({ dir, eventPruneIntervalMs: 50 });
  // At start: 30 days is the default.
  expect(t.store.events.list({ limit: 10 }).map((e) => e.kind)).toEqual(['new']);
  // Later, by the timer, after the retention shrinks below the age of what is left.
  t.store.events.insert({ time: new Date(Date.now() - 2 * DAY), kind: 'older', actor: 'a', message: 'two days ago' });
  t.store.events.setRetention({ maxDays: 1 });
  await eventually(() => !t!.store.events.list({ limit: 10 }).some((e) => e.message === 'two days ago'));
  expect(t.store.events.list({ limit: 10 }).map((e) => e.kind)).toEqual(['new']);
  await t.close();
  t = undefined;
  remove();
});
