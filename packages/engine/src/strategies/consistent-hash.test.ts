import { describe, expect, it } from 'vitest';
import type { BackendView, Strategy } from '../strategy.ts';
import { createConsistentHash } from './consistent-hash.ts';
import { clientIp, countPicks, fakeBackends, pickContext, seededRandom } from './test-fixtures.ts';
import type { FakeBackend } from './test-fixtures.ts';

const KEYS = 10_000;

function unbounded(backends: readonly BackendView[]): Strategy {
  const s = createConsistentHash({ options: { boundedLoadFactor: 0 } });
  s.update(backends);
  return s;
}

function assignment(s: Strategy): (string | number | undefined)[] {
  return Array.from({ length: KEYS }, (_, i) => s.pick(pickContext(clientIp(i)))?.id);
}

describe('consistent-hash', () => {
  it('moves only the removed backend’s keys (≤ 1/5 + 0.05 of 10 000 over 5 backends)', () => {
    const backends = fakeBackends([1, 1, 1, 1, 1]);
    const before = assignment(unbounded(backends));
    const after = assignment(unbounded(backends.filter((b) => b.id !== 'b2')));
    let moved = 0;
    for (let i = 0; i < KEYS; i++) {
      if (before[i] === after[i]) continue;
      moved++;
      expect(before[i]).toBe('b2'); // keys not on the removed backend never move
    }
    expect(moved / KEYS).toBeLessThanOrEqual(1 / 5 + 0.05);
    expect(after).not.toContain('b2');
  });

  it('moves keys only onto an added backend, about 1/(N+1) of them', () => {
    const backends = fakeBackends([1, 1, 1, 1, 1]);
    const before = assignment(unbounded(backends.slice(0, 4)));
    const after = assignment(unbounded(backends));
    let moved = 0;
    for (let i = 0; i < KEYS; i++) {
      if (before[i] === after[i]) continue;
      moved++;
      expect(after[i]).toBe('b4');
    }
    expect(moved / KEYS).toBeLessThanOrEqual(1 / 5 + 0.05);
    expect(moved / KEYS).toBeGreaterThanOrEqual(1 / 5 - 0.05);
  });

  it('is sticky: the same IP, plain or ::ffff:-mapped, gets the same backend', () => {
    const s = unbounded(fakeBackends([1, 1, 1]));
    for (let i = 0; i < 300; i++) {
      const home = s.pick(pickContext(clientIp(i)));
      expect(s.pick(pickContext(clientIp(i)))).toBe(home);
      expect(s.pick(pickContext(`::ffff:${clientIp(i)}`))).toBe(home);
    }
  });

  it('gives key shares proportional to weight (5:3:2 within ±4 points)', () => {
    const counts = countPicks(unbounded(fakeBackends([5, 3, 2])), KEYS);
    expect(Math.abs((counts.get('b0') ?? 0) / KEYS - 0.5)).toBeLessThan(0.04);
    expect(Math.abs((counts.get('b1') ?? 0) / KEYS - 0.3)).toBeLessThan(0.04);
    expect(Math.abs((counts.get('b2') ?? 0) / KEYS - 0.2)).toBeLessThan(0.04);
  });

  it('spreads equal-weight keys within ±20% of the mean', () => {
    for (const n of countPicks(unbounded(fakeBackends([1, 1, 1, 1, 1])), KEYS).values()) {
      expect(Math.abs(n / (KEYS / 5) - 1)).toBeLessThan(0.2);
    }
  });

  it('walks the ring past an excluded backend to the next one, consistently', () => {
    const backends = fakeBackends([1, 1, 1, 1]);
    const s = unbounded(backends);
    for (let i = 0; i < 200; i++) {
      const home = s.pick(pickContext(clientIp(i)))!;
      const fallback = s.pick(pickContext(clientIp(i), new Set([home])));
      expect(backends).toContain(fallback);
      expect(fallback).not.toBe(home);
      // The fallback is where the key lands once its home is removed.
      expect(unbounded(backends.filter((b) => b !== home)).pick(pickContext(clientIp(i)))).toBe(fallback);
    }
  });

  it('bounded load: no backend exceeds ceil(c × total / n) as a hot key piles on', () => {
    const c = 1.25;
    const backends = fakeBackends([1, 1, 1, 1, 1]);
    const s = createConsistentHash({ options: { boundedLoadFactor: c } });
    s.update(backends);
    const random = seededRandom(5);
    for (let total = 1; total <= 5000; total++) {
      // Half the connections come from one client: unbounded, its backend would take them all.
      const ip = random() < 0.5 ? '198.51.100.1' : clientIp(Math.floor(random() * 100_000));
      (s.pick(pickContext(ip)) as FakeBackend).active++;
      const limit = Math.ceil((c * total) / backends.length);
      for (const b of backends) expect(b.active).toBeLessThanOrEqual(limit);
    }
  });

  it('bounded load: a pick never lands above its cap while connections also close', () => {
    const c = 1.25;
    const backends = fakeBackends([1, 1, 1, 1]);
    const s = createConsistentHash({ options: { boundedLoadFactor: c } });
    s.update(backends);
    const random = seededRandom(6);
    for (let step = 0; step < 5000; step++) {
      const closing = backends[Math.floor(random() * backends.length)]!;
      if (random() < 0.4 && closing.active > 0) closing.active--;
      const picked = s.pick(pickContext(random() < 0.3 ? '198.51.100.9' : clientIp(step))) as FakeBackend;
      picked.active++;
      const total = backends.reduce((sum, b) => sum + b.active, 0);
      expect(picked.active).toBeLessThanOrEqual(Math.ceil((c * total) / backends.length));
    }
  });

  it('bounded load keeps most keys at home while spreading held connections', () => {
    const s = createConsistentHash({ options: {} });
    const backends = fakeBackends([1, 1, 1, 1, 1]);
    s.update(backends);
    const plain = unbounded(fakeBackends([1, 1, 1, 1, 1]));
    let home = 0;
    for (let i = 0; i < 2000; i++) {
      const picked = s.pick(pickContext(clientIp(i))) as FakeBackend;
      if (picked.id === plain.pick(pickContext(clientIp(i)))?.id) home++;
      picked.active++;
    }
    // Caps only bite on the few backends whose arcs are above average.
    expect(home / 2000).toBeGreaterThan(0.85);
  });

  it('hides a slow-starting backend’s points in proportion to its effective weight, live', () => {
    const backends = fakeBackends([1, 1, 1, 1]);
    const s = unbounded(backends);
    const full = countPicks(s, KEYS).get('b3') ?? 0;
    backends[3]!.effectiveWeight = 0.25;
    const ramping = countPicks(s, KEYS).get('b3') ?? 0;
    expect(ramping / full).toBeGreaterThan(0.1);
    expect(ramping / full).toBeLessThan(0.45);
    backends[3]!.effectiveWeight = 1;
    expect(countPicks(s, KEYS).get('b3')).toBe(full);
  });
});
