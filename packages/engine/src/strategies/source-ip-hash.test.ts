import { describe, expect, it } from 'vitest';
import type { BackendView } from '../strategy.ts';
import { createSourceIpHash } from './source-ip-hash.ts';
import { clientIp, countPicks, fakeBackends, pickContext } from './test-fixtures.ts';

describe('source-ip-hash', () => {
  it('sends the same IP to the same backend, also as ::ffff:-mapped IPv6', () => {
    const s = createSourceIpHash({ options: {} });
    s.update(fakeBackends([1, 1, 1, 1, 1]));
    for (let i = 0; i < 500; i++) {
      const first = s.pick(pickContext(clientIp(i)));
      expect(s.pick(pickContext(clientIp(i)))).toBe(first);
      expect(s.pick(pickContext(`::ffff:${clientIp(i)}`))).toBe(first);
    }
  });

  it('does not depend on the order backends are listed in', () => {
    const backends = fakeBackends([1, 1, 1, 1]);
    const a = createSourceIpHash({ options: {} });
    const b = createSourceIpHash({ options: {} });
    a.update(backends);
    b.update([...backends].reverse());
    for (let i = 0; i < 200; i++) expect(b.pick(pickContext(clientIp(i)))).toBe(a.pick(pickContext(clientIp(i))));
  });

  it('spreads 10 000 distinct IPs evenly (each of 4 backends within 25% ± 3 points)', () => {
    const s = createSourceIpHash({ options: {} });
    s.update(fakeBackends([1, 1, 1, 1]));
    for (const n of countPicks(s, 10_000).values()) expect(Math.abs(n / 10_000 - 0.25)).toBeLessThan(0.03);
  });

  it('walks forward to the next backend when the hashed one is excluded or full', () => {
    const backends = fakeBackends([1, 1, 1]);
    const s = createSourceIpHash({ options: {} });
    s.update(backends);
    const home = backends.find((b) => b === s.pick(pickContext('192.0.2.7')))!;
    // Ring order is by id: b0, b1, b2.
    const next = backends[(backends.indexOf(home) + 1) % 3];
    expect(s.pick(pickContext('192.0.2.7', new Set<BackendView>([home])))).toBe(next);
    home.maxConnections = 1;
    home.active = 1;
    expect(s.pick(pickContext('192.0.2.7'))).toBe(next);
  });
});
