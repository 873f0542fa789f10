// The postgres login/role check against a real primary and a real streaming standby
// (pg_basebackup -R), with SCRAM-SHA-256 and md5 passwords; then a "write endpoint" service
// follows a failover (primary lost, standby promoted) during a bounded client load.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { probe } from '../../src/health/probe.ts';
import { createLoadBalancer } from '../../src/load-balancer.ts';
import type { BackendHealthEvent } from '../../src/events.ts';
import { backend, config, service, waitFor } from '../helpers.ts';
import { healthConfig } from '../health/test-servers.ts';
import { MD5_LOGIN, SCRAM_LOGIN, postgresUser, startPostgresPair, type PgNode } from './postgres-pair.ts';

const user = postgresUser();

describe.skipIf(user === undefined)('postgres check with a login and a role', () => {
  let primary: PgNode;
  let standby: PgNode;
  let cleanup: () => Promise<void> = async () => {};
  beforeAll(async () => {
    ({ primary, standby, cleanup } = await startPostgresPair(user!));
  }, 120_000);
  afterAll(() => cleanup());
  const at = (node: PgNode) => ({ host: '127.0.0.1', port: node.port });
  const check = (over: Parameters<typeof healthConfig>[0]) => healthConfig({ type: 'postgres', timeoutMs: 2000, ...SCRAM_LOGIN, ...over });

  it('the standby really is in recovery; the md5 user really has an md5 password', async () => {
    expect((await standby.query('SELECT pg_is_in_recovery() AS r')).rows[0].r).toBe(true);
    const kind = `CASE WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram' WHEN rolpassword LIKE 'md5%' THEN 'md5' END`;
    const stored = await primary.query(`SELECT rolname, ${kind} AS kind FROM pg_authid WHERE rolname IN ('${SCRAM_LOGIN.user}', '${MD5_LOGIN.user}') ORDER BY rolname`);
    expect(stored.rows).toEqual([{ rolname: SCRAM_LOGIN.user, kind: 'scram' }, { rolname: MD5_LOGIN.user, kind: 'md5' }]);
  });

  it('role primary / standby / any, logging in with SCRAM-SHA-256 and with md5', async () => {
    expect(await probe(at(primary), check({ role: 'primary' }))).toMatchObject({ ok: true, role: 'primary' });
    expect(await probe(at(standby), check({ role: 'primary' }))).toEqual({ ok: false, reason: 'role is standby', role: 'standby' });
    expect(await probe(at(standby), check({ role: 'standby' }))).toMatchObject({ ok: true, role: 'standby' });
    expect(await probe(at(primary), check({ role: 'standby' }))).toEqual({ ok: false, reason: 'role is primary', role: 'primary' });
    expect(await probe(at(standby), check({ role: 'any' }))).toMatchObject({ ok: true });
    expect(await probe(at(primary), check({ role: 'primary', ...MD5_LOGIN }))).toMatchObject({ ok: true });
    expect(await probe(at(standby), check({ role: 'primary', ...MD5_LOGIN }))).toEqual({ ok: false, reason: 'role is standby', role: 'standby' });
  });

  it('a wrong password fails as a login failure without the password; no leftover connections', async () => {
    for (const login of [SCRAM_LOGIN, MD5_LOGIN]) {
      const result = await probe(at(primary), check({ ...login, role: 'primary', password: 'not-the-pw-987' }));
      expect(result).toEqual({ ok: false, reason: `login failed: password authentication failed for user "${login.user}"` });
    }
  });

  it('one connection per check, always closed: no check session stays behind', async () => {
    for (let i = 0; i < 10; i++) expect(await probe(at(primary), check({ role: 'primary' }))).toMatchObject({ ok: true });
    const sessions = async () => Number((await primary.query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'fulcrum-health-check'")).rows[0].n);
    // The server ends a session just after the check's Terminate: wait for that, bounded.
    const deadline = Date.now() + 5000;
    while ((await sessions()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await sessions()).toBe(0);
  });

  it('a write endpoint follows the promotion of the standby, and the writes land on it', async () => {
    const lb = createLoadBalancer();
    try {
      const bp = backend(primary.port);
      const bs = backend(standby.port);
      const interval = 200;
      const hc = { ...check({ role: 'primary' }), intervalMs: interval, timeoutMs: 1000, rise: 2, fall: 2, passiveFailures: 0, closeOnDown: true };
      const svc = service([bp, bs], { retries: 0, healthCheck: hc });
      const events: BackendHealthEvent[] = [];
      lb.on('backend-health', (e) => events.push(e));
      await lb.apply(config(svc));
      const port = lb.listenPort(svc.id) as number;
      const health = (id: number) => lb.stats().services[0]?.backends.find((x) => x.id === id);
      await waitFor(() => health(bp.id)?.health === 'up' && health(bs.id)?.health === 'down', 'primary up, standby down', 10_000);
      expect(events.find((e) => e.backendId === bs.id && e.to === 'down')?.reason).toBe('fall: 2 × role is standby');

      // Bounded load through the balancer: one INSERT per new connection, at most 2000, ending 50 after the service followed.
      const results: { i: number; ok: boolean; afterFollow: boolean }[] = [];
      let followed = false;
      let stopAfter = Infinity;
      const insert = async (i: number): Promise<boolean> => {
        const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000, query_timeout: 2000 });
        client.on('error', () => {});
        try {
          await client.connect();
          await client.query('INSERT INTO writes (id) VALUES ($1)', [i]);
          return true;
        } catch {
          return false;
        } finally {
          await client.end().catch(() => {});
        }
      };
      const load = (async () => {
        for (let i = 0; i < 2000 && i < stopAfter; i++) {
          const afterFollow = followed;
          results.push({ i, ok: await insert(i), afterFollow });
          if (afterFollow && stopAfter === Infinity) stopAfter = i + 50;
        }
      })();
      await waitFor(() => results.filter((r) => r.ok).length >= 10, 'writes before the failover', 10_000);

      // The primary is lost; the standby is promoted (what Patroni or an operator does).
      await primary.stop();
      await standby.query('SELECT pg_promote(true, 30)');
      const bound = hc.rise * interval * 1.1 + interval * 1.1 + hc.timeoutMs + 3000;
      await waitFor(() => health(bs.id)?.health === 'up' && health(bp.id)?.health === 'down', 'service follows the promotion', bound);
      followed = true;
      await load;
      expect(events.find((e) => e.backendId === bs.id && e.from === 'down' && e.to === 'up')?.reason).toBe('rise: 2 × ok');

      const after = results.filter((r) => r.afterFollow);
      expect(after.length).toBe(50);
      expect(after.filter((r) => !r.ok)).toEqual([]);
      const ids = after.map((r) => r.i);
      const stored = await standby.query(`SELECT count(*) AS n FROM writes WHERE id = ANY('{${ids.join(',')}}'::int[])`);
      expect(Number(stored.rows[0].n)).toBe(after.length);
    } finally {
      await lb.close();
    }
  }, 90_000);
});
