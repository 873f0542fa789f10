import { expect, it } from 'vitest';
import { ClientTable } from './client-table.ts';

it('never holds more than its capacity: the least recently released idle entry goes first', () => {
  const t = new ClientTable(3);
  for (const key of ['a', 'b', 'c']) {
    const e = t.add(key)!;
    t.hold(e);
    t.release(e, true);
  }
  expect(t.size).toBe(3);
  const d = t.add('d')!;
  expect(t.size).toBe(3);
  expect(t.get('a')).toBeUndefined();
  expect(t.get('b')).toBeDefined();
  expect(d.key).toBe('d');
  expect(t.peak).toBe(3);
});

it('never evicts a client with live connections; full of them, it refuses new clients', () => {
  const t = new ClientTable(2);
  const a = t.add('a')!;
  t.hold(a);
  const b = t.add('b')!;
  t.hold(b);
  expect(t.add('c')).toBeNull();
  expect(t.get('a')).toBe(a);
  t.release(b, true);
  // b is idle now: it makes room.
  const c = t.add('c')!;
  expect(c).not.toBeNull();
  expect(t.get('b')).toBeUndefined();
  expect(t.get('a')!.conns).toBe(1);
});

it('drops an entry without keeping when its last connection ends; counts exactly', () => {
  const t = new ClientTable(10);
  const a = t.add('a')!;
  t.hold(a);
  t.hold(a);
  t.release(a, false);
  expect(t.get('a')!.conns).toBe(1);
  t.release(a, false);
  expect(t.size).toBe(0);
  // A release too many changes nothing.
  t.release(a, false);
  expect(a.conns).toBe(0);
});

it('expires idle entries whose bucket has refilled, a few per call, oldest first', () => {
  const t = new ClientTable(10);
  for (const [key, at] of [['a', 0], ['b', 10], ['c', 500]] as const) {
    const e = t.add(key)!;
    e.at = at;
    t.hold(e);
    t.release(e, true);
  }
  t.expire(100, 100);
  expect(t.get('a')).toBeUndefined();
  expect(t.get('b')).toBeDefined();
  t.expire(110, 100);
  expect(t.get('b')).toBeUndefined();
  expect(t.get('c')).toBeDefined();
});

it('shrinks to a lower capacity by dropping idle entries only', () => {
  const t = new ClientTable(5);
  const live = t.add('live')!;
  t.hold(live);
  for (const key of ['a', 'b', 'c', 'd']) t.release(t.add(key)!, true);
  t.resize(2);
  expect(t.size).toBe(2);
  expect(t.get('live')).toBe(live);
  expect(t.get('d')).toBeDefined();
});

it('a client that connects again moves to the end of the idle order', () => {
  const t = new ClientTable(3);
  const entries = ['a', 'b', 'c'].map((key) => {
    const e = t.add(key)!;
    t.hold(e);
    t.release(e, true);
    return e;
  });
  t.hold(entries[0]!);
  t.release(entries[0]!, true);
  t.add('d');
  expect(t.get('b')).toBeUndefined();
  expect(t.get('a')).toBe(entries[0]);
  t.add('e');
  expect(t.get('c')).toBeUndefined();
  expect(t.size).toBe(3);
});
