import { describe, expect, it } from 'vitest';
import { SniRoutes } from './sni-routes.ts';

const svc = (name: string, sni?: string[] | null) => ({ name, config: { sni } });

describe('SniRoutes', () => {
  const db = svc('db', ['DB1.example.com']);
  const cache = svc('cache', ['*.cache.example.com', 'exact.cache.example.com']);
  const special = svc('special', ['a.cache.example.com']);
  const fallback = svc('fallback', null);
  const routes = new SniRoutes([db, cache, special, fallback]);

  it('matches exact names case-insensitively (names arrive lower case from the parser)', () => {
    expect(routes.pick('db1.example.com')).toBe(db);
  });

  it('a wildcard stands for exactly one label; an exact name wins over it', () => {
    expect(routes.pick('b.cache.example.com')).toBe(cache);
    expect(routes.pick('a.cache.example.com')).toBe(special);
    expect(routes.pick('cache.example.com')).toBe(fallback);
    expect(routes.pick('x.b.cache.example.com')).toBe(fallback);
  });

  it('no name, or an unknown one, goes to the default route; without one there is no route', () => {
    expect(routes.pick(null)).toBe(fallback);
    expect(routes.pick('other.example.org')).toBe(fallback);
    const noDefault = new SniRoutes([db]);
    expect(noDefault.pick(null)).toBeNull();
    expect(noDefault.pick('db2.example.com')).toBeNull();
  });
});
