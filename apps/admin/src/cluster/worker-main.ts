// Entry point of a cluster worker: one engine in external-health mode, driven entirely by the
// primary over IPC (protocol.ts). It serves every service port; listen() goes through the
// primary (node:cluster), so a port in use fails here exactly as it would in-process.
import cluster from 'node:cluster';
import { EngineError, ListenError, createLoadBalancer } from '@fulcrum/engine';
import { reusePortStatus } from './cluster-setup.ts';
import type { EngineEvents } from '@fulcrum/engine';
import { ACCESS_LOG_ENV, startAccessLog } from '../data-plane/access-log.ts';
import { drainEngine } from './graceful-close.ts';
import { RELAY_ENV, STATS_BATCH_MS, isMessage } from './protocol.ts';
import { RELAY_MODES, isOneOf } from '@fulcrum/shared/enums';
import type { ForwardedEvent, FromWorker, ListenFds, ToWorker, WireError } from './protocol.ts';
import { formatAddress } from '@fulcrum/shared/address';
import { WORKER_CONNECTION_ID_SPAN } from '@fulcrum/shared/connections';

if (!cluster.isWorker || typeof process.send !== 'function') {
  process.stderr.write('fulcrum: worker-main.ts runs only as a cluster worker started by `fulcrum --workers N`\n');
  process.exit(2);
}

/** Sockets the primary inherited from its predecessor, by address (docs/UPGRADE.md): listened on with `{ fd }`. */
let listenFds: ListenFds = {};
const engine = createLoadBalancer({
  health: 'external',
  reusePort: reusePortStatus().usable,
  inheritedListener: (host, port) => listenFds[formatAddress(host, port)],
  // The primary checked --relay / FULCRUM_RELAY and passes it on.
  relay: isOneOf(RELAY_MODES, process.env[RELAY_ENV]) ? process.env[RELAY_ENV] : 'auto',
  // Worker ids are never reused while the primary runs: connection ids stay unique on the node.
  connectionIdBase: (cluster.worker?.id ?? 0) * WORKER_CONNECTION_ID_SPAN,
});
// The access log is written where the connections are: here. A Fastify instance that never
// listens is the way to its pino logger (stdout, the same JSON lines as the in-process engine's).
// Imported only then: Fastify costs a relay-only worker ~15 MiB RSS (docs/BENCHMARKS.md, "Fixed memory").
if (process.env[ACCESS_LOG_ENV] === '1') {
  const { default: Fastify } = await import('fastify');
  startAccessLog(engine, Fastify({ logger: { level: 'info' } }).log);
}
const label = `worker ${cluster.worker?.id ?? '?'} (pid ${process.pid})`;
/** The version being applied right now (events emitted during apply carry it). */
let applying = 0;
let stopping = false;
/** Messages are handled strictly in order: health after the apply that created its backend. */
let queue: Promise<void> = Promise.resolve();

// The primary coordinates shutdown and reload; a terminal's Ctrl-C reaches the whole process
// group, so workers must not act on it themselves. If the primary dies, Node's cluster module
// exits the worker as soon as the IPC channel closes.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR2'] as const) process.on(signal, () => {});

function send(message: FromWorker, done?: () => void): void {
  if (!process.connected) {
    done?.();
    return;
  }
  process.send!(message, undefined, {}, () => done?.());
}

function toWire(err: unknown): WireError {
  if (err instanceof ListenError) {
    const errno = (err.cause as NodeJS.ErrnoException | undefined)?.code;
    return { code: err.code, message: err.message, field: err.field, serviceId: err.serviceId, ...(errno ? { errno } : {}) };
  }
  if (err instanceof EngineError) return { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'apply': {
      if (stopping) return;
      applying = message.version;
      listenFds = message.listenFds;
      try {
        await engine.apply(message.config);
      } catch (err) {
        send({ type: 'apply-failed', version: message.version, error: toWire(err) });
        return;
      }
      // Synchronously after the swap: no connection is accepted before health is known.
      for (const s of message.config.services) {
        for (const b of s.backends) {
          const health = message.health[s.id]?.[b.id];
          if (health !== undefined) engine.setBackendHealth(s.id, b.id, health, 'primary');
        }
      }
      // Counters first: when the primary hears 'applied' it already has this engine's stats,
      // the relay it runs among them (the start-up banner names it).
      sendStats(false);
      send({ type: 'applied', version: message.version });
      return;
    }
    case 'health':
      engine.setBackendHealth(message.serviceId, message.backendId, message.health, message.reason);
      return;
    case 'rebalance': {
      const { rebalanceId, serviceId, backendId, windowMs } = message;
      if (engine.rebalance(serviceId, backendId, windowMs, rebalanceId) !== null) return;
      // Not here (a removal crossed it): report an empty rebalance, so the primary's count completes.
      const base = { time: Date.now(), serviceId, backendId, address: '', rebalanceId };
      send({ type: 'event', name: 'rebalance-started', event: { ...base, windowMs, connections: 0 }, version: applying });
      send({ type: 'event', name: 'rebalance-ended', event: { ...base, closed: 0, outcome: 'cancelled' }, version: applying });
      return;
    }
    case 'remote-load':
      for (const s of engine.config.services) {
        const load = message.load[s.id];
        if (load !== undefined) engine.setRemoteLoad(s.id, load);
      }
      return;
    case 'stop':
      // Not awaited: a drain may last hours (no reload drain limit), and meanwhile a shutdown's
      // stop, health changes and remote load must still get through.
      stop(message.timeoutMs ?? Number.POSITIVE_INFINITY).catch(report);
      return;
    case 'send-listeners':
      sendListeners();
      return;
    case 'list-connections':
      send({ type: 'connections', requestId: message.requestId, page: engine.listConnections(message.serviceId, message.query) });
      return;
    case 'close-connections': {
      const { serviceId, connectionId, backendId } = message;
      const closed = connectionId !== undefined ? Number(engine.closeConnection(serviceId, connectionId)) : backendId !== undefined ? engine.closeBackendConnections(serviceId, backendId) : 0;
      send({ type: 'connections-closed', requestId: message.requestId, closed });
      return;
    }
  }
}

/** Each service's listening socket to the primary, which passes them on to its successor. */
function sendListeners(): void {
  for (const l of engine.listeningSockets()) {
    // With round-robin scheduling the socket is the primary's and this handle a stand-in without one.
    const handle = (l.server as unknown as { _handle?: { fd?: unknown } | null })._handle;
    if (typeof handle?.fd !== 'number' || handle.fd < 0) {
      send({ type: 'listeners-sent', error: 'the workers have no listening sockets of their own with round-robin scheduling (NODE_CLUSTER_SCHED_POLICY=rr): a hand-over needs the default policy' });
      return;
    }
    process.send!({ type: 'listener', host: l.host, port: l.port } satisfies FromWorker, handle as never);
  }
  send({ type: 'listeners-sent' });
}

function sendStats(final: boolean, stats = engine.stats(), done?: () => void): void {
  send({ type: 'stats', stats, final }, done);
}

/** One batch of counters to the primary. */
const statsTimer = setInterval(() => sendStats(false), STATS_BATCH_MS);

async function stop(timeoutMs: number): Promise<void> {
  if (stopping) {
    // Already draining: a sooner deadline (a shutdown during a reload's drain) wins.
    void engine.close({ drain: true, timeoutMs, graceful: true });
    return;
  }
  stopping = true;
  clearInterval(statsTimer);
  let lastSent = Date.now();
  const { last } = await drainEngine(engine, timeoutMs, (stats) => {
    // Keep the primary's view of the draining connections current, at the batch rate.
    if (Date.now() - lastSent < STATS_BATCH_MS) return;
    lastSent = Date.now();
    sendStats(false, stats);
  });
  // Every connection has ended (the drain closes what is left with FIN and bounds that); should
  // one remain, the exit closes it: the final counters say active 0 either way.
  for (const s of last.services) {
    s.active = 0;
    s.queued = 0;
    for (const b of s.backends) b.active = 0;
  }
  const exit = (): never => process.exit(0);
  setTimeout(exit, 1000).unref();
  sendStats(true, last, exit);
}

function report(err: unknown): void {
  process.stderr.write(`fulcrum: ${label}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
}

function forward<K extends ForwardedEvent>(name: K): void {
  engine.on(name, ((event: EngineEvents[K][0]) => {
    send({ type: 'event', name, event, version: applying } as FromWorker);
  }) as never);
}
forward('backend-state');
forward('backend-agent');
forward('backend-drained');
forward('service-error');
forward('passive-failure');
forward('rebalance-started');
forward('rebalance-ended');

process.on('message', (message: unknown) => {
  if (!isMessage<ToWorker>(message)) return;
  queue = queue.then(
    () => handle(message),
    () => handle(message),
  );
  queue.catch(report);
});

send({ type: 'ready' });
