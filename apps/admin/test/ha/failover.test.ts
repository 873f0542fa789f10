// The HA pair on real hosts (network namespaces): two Fulcrum nodes, keepalived on each with
// exactly deploy/keepalived/, a Redis backend, and a client that opens a new connection to the
// VIP every 20 ms. Each fault must move the VIP to the other node, and new connections must
// succeed again through it. The figures (time to recover, failed attempts) are printed, not
// asserted: timing on a shared 2-core machine is no test verdict; docs/DESIGN.md §6.1 has them.
// HA_TRACE=1 also prints every attempt around each fault.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDto } from '@fulcrum/shared/api';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import { ClientLoop, failoverFigures, SLOW_MS, traceAround, type FailoverFigures } from './client-loop.ts';
import { HaPair, SERVICE_PORT, type HaNode } from './ha-pair.ts';
import { netnsUnavailable } from './netns-lab.ts';

const skipReason = netnsUnavailable();
/** Liveness only: far above any target, so a slow machine never fails the test on timing. */
const LIVENESS_MS = 15_000;
const STEADY = 25; // consecutive quick successes (0.5 s of traffic) that end a measurement

let pair: HaPair | undefined;
let loop: ClientLoop | undefined;

async function eventually(what: string, check: () => boolean, timeoutMs = LIVENESS_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs the client loop around `fault`, returns the figures once traffic is steady again. */
async function measure(label: string, active: HaNode, fault: () => void): Promise<FailoverFigures> {
  const p = pair!;
  const standby = p.other(active);
  const servedBefore = p.accepted(standby);
  loop = new ClientLoop(p.client.ns, p.vip, SERVICE_PORT, 25_000);
  await loop.until('baseline traffic', () => loop!.attempts.filter((a) => a.ok).length >= STEADY, LIVENESS_MS);
  const t0 = Date.now();
  fault();
  await eventually(`the VIP on ${standby.name}`, () => p.holder() === standby);
  // Steady after the move, not merely after the fault: with --stop-grace the stopping node
  // answers seamlessly until the VIP has left it.
  const moved = Date.now();
  await loop.until('steady traffic after the failover', () => loop!.steadyAfter(moved, STEADY), LIVENESS_MS);
  // The figures cover the attempts up to the steady run; one started later can still meet a
  // client whose neighbour entry lags the VIP's move (a 1 s SYN retry) and would hide the
  // recovery point that was already seen.
  const steadyAt = Date.now();
  await loop.stop();
  const figures = failoverFigures(loop.attempts.filter((a) => a.s <= steadyAt), t0);
  if (process.env.HA_TRACE) console.log(traceAround(loop.attempts, t0));
  loop = undefined;
  const errors = Object.entries(figures.errors).map(([code, n]) => `${code}×${n}`).join(', ') || 'none';
  console.log(
    `HA: ${label} → new connections again after ${figures.recoveredMs} ms, ${figures.failed} failed, ` +
      `${figures.slow} slower than ${SLOW_MS} ms, all answered by ${figures.settledMs} ms (errors: ${errors}; before the fault: ${figures.before} attempts, ${figures.failedBefore} failed)`,
  );

  expect(figures.failedBefore, 'no attempt fails before the fault').toBe(0);
  expect(figures.recoveredMs, 'new connections succeed again').toBeLessThan(LIVENESS_MS);
  expect(p.holders(), 'the VIP moved, and only one node holds it').toEqual([standby]);
  // Served by the standby: it counts at least the steady tail of the loop (its stats sample
  // may be a moment old).
  await eventually(`${standby.name} counting the connections it served`, () => p.accepted(standby) - servedBefore >= STEADY);
  return figures;
}

/**
 * Brings a node that a fault took down back as the standby — what systemd's Restart=always,
 * an operator's `systemctl start keepalived` or a repaired network do — and checks that it
 * leaves the VIP alone. The tests run in an order that restarts Fulcrum only once.
 */
async function backAsStandby(node: HaNode): Promise<void> {
  const p = pair!;
  p.lab.linkUp(node.name);
  if (!node.fulcrum || node.fulcrum.exited()) await p.startFulcrum(node);
  if (!node.keepalived || node.keepalived.process.exited()) p.startKeepalived(node);
  // From FAULT it needs its link back and two passing checks (rise 2); a new keepalived starts
  // as BACKUP.
  await eventually(`${node.name} back as BACKUP`, () => node.keepalived!.state() === 'BACKUP');
  // Its own health checks see the backend again (after a link down they marked it down).
  await eventually(`${node.name} seeing its backend up`, () => p.stats(node).services.every((s) => s.backends.some((b) => b.health === 'up')));
  expect(p.holders(), 'nopreempt: the VIP stays where it is').toEqual([p.other(node)]);
}

describe.skipIf(skipReason !== null)(`HA pair with keepalived in network namespaces${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    pair = await HaPair.create();
    const [a, b] = pair.nodes;
    await Promise.all([pair.startFulcrum(a), pair.startFulcrum(b)]);
    // node-a first, so it wins the first election (both start as BACKUP with nopreempt).
    const ka = pair.startKeepalived(a);
    await ka.waitState('MASTER', LIVENESS_MS);
    const kb = pair.startKeepalived(b);
    await kb.waitState('BACKUP', LIVENESS_MS);
    await eventually('the VIP on node-a', () => pair!.holder() === a);
  }, 90_000);

  afterAll(async () => {
    await loop?.kill();
    await pair?.close();
  }, 60_000);

  it('PostgreSQL for the shared store runs in the backend namespace and accepts both nodes', () => {
    const p = pair!;
    for (const node of p.nodes) expect(p.postgres!.query(node.host.ns, 'SELECT inet_client_addr()')).toBe(node.host.address);
  });

  it('both nodes run one configuration from the shared store: a change through the standby is live on the active node', async () => {
    const p = pair!;
    const [a, b] = p.nodes;
    const cluster = p.api<ClusterDto>(b, 'GET', '/api/cluster');
    expect(cluster.store).toBe('postgres');
    expect(cluster.nodes.map((n) => [n.name, n.state])).toEqual([['node-a', 'in-step'], ['node-b', 'in-step']]);
    // One service for the cluster, although both nodes were started with the first-run flags.
    const services = p.api<ServiceDto[]>(a, 'GET', '/api/services');
    expect(services.map((s) => s.name)).toEqual(['default']);
    const service = services[0]!;
    p.api<ServiceDto>(b, 'PATCH', `/api/services/${service.id}?wait=cluster`, { connectTimeoutMs: service.connectTimeoutMs + 1 });
    expect(p.api<ServiceDto>(a, 'GET', `/api/services/${service.id}`).connectTimeoutMs).toBe(service.connectTimeoutMs + 1);
  });

  it('a graceful keepalived stop (SIGTERM) on the active node moves the VIP; new connections succeed through the other node', async () => {
    const active = pair!.holder()!;
    await measure('keepalived stop (SIGTERM)', active, () => active.keepalived!.process.signal('SIGTERM'));
    await active.keepalived!.process.waitExit();
  }, 60_000);

  it('the active host dropping off the network (its link down) moves the VIP after the missed adverts', async () => {
    const p = pair!;
    const active = p.holder()!;
    await backAsStandby(p.other(active));
    await measure('host lost (link down)', active, () => p.lab.linkDown(active.name));
  }, 60_000);

  it('kill -9 of the active Fulcrum moves the VIP; new connections succeed through the other node', async () => {
    const active = pair!.holder()!;
    await backAsStandby(pair!.other(active));
    const since = active.keepalived!.process.mark();
    await measure('kill -9 of Fulcrum', active, () => active.fulcrum!.signal('SIGKILL'));
    // The VIP moved because the node's own check failed (not, say, a lost advert).
    await active.keepalived!.waitState('FAULT', LIVENESS_MS, since);
  }, 60_000);

  it('a graceful stop of the active Fulcrum (SIGTERM, as systemctl stop) moves the VIP; new connections succeed through the other node', async () => {
    const active = pair!.holder()!;
    await backAsStandby(pair!.other(active));
    await measure('Fulcrum stop (SIGTERM)', active, () => active.fulcrum!.signal('SIGTERM'));
    await active.fulcrum!.waitExit();
    expect(active.fulcrum!.child.exitCode, 'a graceful stop exits 0').toBe(0);
  }, 60_000);
});
