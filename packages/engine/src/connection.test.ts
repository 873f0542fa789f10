// The connection lifecycle as a state machine, driven one event at a time: a real Service and
// real Connections over a ConnectionIo that records what would happen to the handles and
// lets the test deliver each outcome (connect result, FIN, close callback) when it chooses.
// No socket, no real timer: every transition is deterministic. The socket-level behaviour of
// the same paths is covered in test/splice.test.ts, test/lifecycle.test.ts and others.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:net';
import type { Backend } from './backend.ts';
import { BACKEND_DEFAULTS, HEALTH_CHECK_DEFAULTS, SERVICE_DEFAULTS, type BackendConfig, type ServiceConfig } from './config.ts';
import { ENDING_GRACE_MS, type Connection, type ConnectionIo, type Endpoint } from './connection.ts';
import { Phase, Side } from './connection-state.ts';
import type { PrefaceRead } from './connection-io.ts';
import { Service, type ServiceHost } from './service.ts';

/** A stand-in handle: the connection only compares handles and passes them to its io. */
function fakeHandle(name: string): Endpoint {
  return { name } as unknown as Endpoint;
}

const nameOf = (h: Endpoint): string => (h as unknown as { name: string }).name;

/** Records every handle operation; close callbacks and connect results wait for the test. */
class ScriptedIo implements ConnectionIo {
  readonly log: string[] = [];
  readonly conns: Connection[] = [];
  /** Handles whose close() was called and whose close callback has not been delivered. */
  readonly closing: Array<{ c: Connection; h: Endpoint }> = [];
  #owner = new Map<Endpoint, Connection>();
  #attempts = 0;
  readonly relay = 'native' as const;

  acceptFrom(): void {}

  drop(client: Endpoint): void {
    this.log.push(`drop ${nameOf(client)}`);
  }

  /** Not used by these cases (no PROXY header, no SNI): recorded only. */
  readPreface(client: Endpoint): PrefaceRead {
    this.log.push(`preface ${nameOf(client)}`);
    return { abort: () => undefined };
  }

  adopt(client: Endpoint, c: Connection): void {
    this.conns.push(c);
    this.#owner.set(client, c);
    this.log.push(`adopt ${nameOf(client)}`);
  }

  connect(c: Connection, backend: Backend): Endpoint {
    const up = fakeHandle(`up${++this.#attempts}`);
    this.#owner.set(up, c);
    this.log.push(`connect ${nameOf(up)} → ${backend.id}`);
    return up;
  }

  /** What each startRelay() was to send the backend first (a PROXY header…). */
  readonly firsts: (string | null)[] = [];

  startRelay(c: Connection, first: string | null): void {
    this.log.push(`relay ${nameOf(c.client)}`);
    this.firsts.push(first);
  }

  discardClient(c: Connection): number {
    this.log.push(`discard ${nameOf(c.client)}`);
    return 0;
  }

  endAfterQueued(_c: Connection, h: Endpoint): void {
    this.log.push(`fin ${nameOf(h)}`);
  }

  close(h: Endpoint): void {
    this.log.push(`close ${nameOf(h)}`);
    this.closing.push({ c: this.#owner.get(h) as Connection, h });
  }

  peer(): { address?: string; port?: number } {
    return { address: '10.0.0.7', port: 40000 };
  }

  local(): { address?: string; port?: number } {
    return { address: '10.0.0.1', port: 6380 };
  }

  /** Delivers the pending close callback of `name` (libuv runs them in a later loop turn). */
  closed(name: string): void {
    const i = this.closing.findIndex((x) => nameOf(x.h) === name);
    if (i < 0) throw new Error(`${name} is not closing`);
    const [{ c, h }] = this.closing.splice(i, 1) as [{ c: Connection; h: Endpoint }];
    c.onHandleClosed(h);
  }

  /** Delivers every pending close callback, oldest first. */
  closeAll(): void {
    while (this.closing.length > 0) this.closed(nameOf(this.closing[0]!.h));
  }
}

/** Backend ids: the database's numbers, as the admin gives them. */
const A = 1;
const B = 2;

function backendConfig(id: number, over: Partial<BackendConfig> = {}): BackendConfig {
  return { id, host: '127.0.0.1', port: 1, ...BACKEND_DEFAULTS, ...over };
}

function serviceConfig(over: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    id: 1,
    name: 'svc',
    host: '127.0.0.1',
    port: 0,
    ...SERVICE_DEFAULTS,
    connectTimeoutMs: 0,
    healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'none', passiveFailures: 0 },
    backends: [backendConfig(A), backendConfig(B)],
    ...over,
  };
}

interface Harness {
  svc: Service;
  io: ScriptedIo;
  events: string[];
  /** A new client arrives; returns its connection. */
  accept(name?: string): Connection;
  backend(id: number): Backend;
}

let clients = 0;

/** A service whose backends are all up (health is external: nothing checks on its own). */
function harness(over: Partial<ServiceConfig> = {}, up = true): Harness {
  const events: string[] = [];
  let lastId = 0;
  const host: ServiceHost = {
    random: () => 0,
    nextConnectionId: () => ++lastId,
    externalHealth: true,
    onDrained: (_s, b, closedByTimeout) => events.push(`drained ${b.id} (${closedByTimeout} closed)`),
    onHealth: (_s, b, from, to) => events.push(`health ${b.id} ${from}→${to}`),
    onStateChange: (_s, b, from) => events.push(`state ${b.id} ${from}→${b.adminState}`),
    onPassiveThreshold: (_s, b) => events.push(`passive ${b.id}`),
    onAgent: (_s, b, view) => events.push(`agent ${b.id} ${view.state}`),
    onServiceError: (_s, code) => events.push(`service error ${code}`),
    onServiceGone: () => events.push('service gone'),
    onRebalanceStart: (_s, r) => events.push(`rebalance ${r.backend.id} started`),
    onRebalanceEnd: (_s, r, outcome) => events.push(`rebalance ${r.backend.id} ${outcome}`),
  };
  const io = new ScriptedIo();
  // A net.Server that never listens: no socket; the test calls the accept path itself.
  const svc = new Service(serviceConfig(over), createServer(), host, io);
  if (up) for (const id of svc.backends.keys()) svc.setHealth(id, 'unknown', 'up', 'test');
  events.length = 0;
  return {
    svc,
    io,
    events,
    accept(name = `client${++clients}`) {
      svc.admission.accept(fakeHandle(name), null);
      return io.conns[io.conns.length - 1] as Connection;
    },
    backend: (id) => svc.backends.get(id) as Backend,
  };
}

/** The connection's states, compactly, for one assertion per step. */
function states(c: Connection): { phase: number; client: number; upstream: number } {
  return { phase: c.phase, client: c.clientState, upstream: c.upstreamState };
}

/** A connection that reached Relaying on backend `a`. */
function relaying(h: Harness): Connection {
  const c = h.accept();
  c.onConnectDone(c.upstream as Endpoint, null);
  expect(states(c)).toEqual({ phase: Phase.Relaying, client: Side.Open, upstream: Side.Open });
  return c;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('connect', () => {
  it('accept → Waiting → Connecting (slot taken) → Relaying (relay started)', () => {
    const h = harness();
    const c = h.accept('c1');
    // Dispatch happens at accept: a backend is picked and the attempt starts at once.
    expect(states(c)).toEqual({ phase: Phase.Connecting, client: Side.Open, upstream: Side.Connecting });
    expect(c.backend?.id).toBe(A);
    expect(h.backend(A).localActive).toBe(1);
    expect(h.svc.active).toBe(1);
    expect(h.io.log).toEqual(['adopt c1', 'connect up1 → 1']);

    c.onConnectDone(c.upstream as Endpoint, null);
    expect(states(c)).toEqual({ phase: Phase.Relaying, client: Side.Open, upstream: Side.Open });
    expect(h.io.log.at(-1)).toBe('relay c1');
    expect(h.backend(A).total).toBe(1);
    expect(c.attempts).toBe(1);
  });

  it('connect failure → retry on another backend → Relaying; the failure is counted once', () => {
    const h = harness();
    const c = h.accept('c1');
    const first = c.upstream as Endpoint;
    c.onConnectDone(first, 'connect refused');
    // The failed handle closes first; nothing is decided before its close callback.
    expect(states(c)).toEqual({ phase: Phase.Connecting, client: Side.Open, upstream: Side.Closing });
    expect(h.svc.retries).toBe(0);

    h.io.closed('up1');
    expect(states(c)).toEqual({ phase: Phase.Connecting, client: Side.Open, upstream: Side.Connecting });
    expect(c.backend?.id).toBe(B);
    expect(c.attempts).toBe(2);
    expect(c.lastFailure).toBe('connect refused');
    expect([...(c.exclude ?? [])].map((b) => b.id)).toEqual([A]);
    expect(h.svc.retries).toBe(1);
    expect(h.backend(A)).toMatchObject({ localActive: 0, connectFailures: 1, failStreak: 1 });
    expect(h.backend(B).localActive).toBe(1);

    // A late result for the failed handle changes nothing.
    c.onConnectDone(first, null);
    expect(c.upstreamState).toBe(Side.Connecting);

    c.onConnectDone(c.upstream as Endpoint, null);
    expect(states(c)).toEqual({ phase: Phase.Relaying, client: Side.Open, upstream: Side.Open });
    expect(h.backend(B)).toMatchObject({ total: 1, failStreak: 0 });
    expect(h.io.log).toEqual(['adopt c1', 'connect up1 → 1', 'close up1', 'connect up2 → 2', 'relay c1']);
  });

  it('connect failure on a draining backend → its drain ends → retry elsewhere', () => {
    const h = harness();
    const c = h.accept();
    // The operator drains `a` while the attempt is in flight: the drain waits for it.
    h.svc.update(serviceConfig({ backends: [backendConfig(A, { state: 'draining' }), backendConfig(B)] }));
    expect(h.events).toEqual(['state 1 enabled→draining']);

    c.onConnectDone(c.upstream as Endpoint, 'connect timeout');
    h.io.closed('up1');
    expect(h.events).toEqual(['state 1 enabled→draining', 'drained 1 (0 closed)']);
    expect(c.backend?.id).toBe(B);
    expect(states(c)).toEqual({ phase: Phase.Connecting, client: Side.Open, upstream: Side.Connecting });
  });

  it('retries exhausted → rejected: the client closes, the connection ends once', () => {
    const h = harness({ retries: 1 });
    const c = h.accept('c1');
    c.onConnectDone(c.upstream as Endpoint, 'connect refused');
    h.io.closed('up1');
    c.onConnectDone(c.upstream as Endpoint, 'connect reset');
    h.io.closed('up2');
    expect(states(c)).toEqual({ phase: Phase.Waiting, client: Side.Closing, upstream: Side.None });
    expect(c.reason).toBe('rejected');
    expect(h.svc.rejected).toBe(1);
    expect(c.upstream).toBeNull();

    h.io.closed('c1');
    expect(states(c)).toEqual({ phase: Phase.Done, client: Side.Closed, upstream: Side.None });
    expect(h.svc.active).toBe(0);
    expect(h.backend(A).localActive + h.backend(B).localActive).toBe(0);
  });

  it('no backend can take the client → rejected at once', () => {
    const h = harness({ backends: [backendConfig(A, { state: 'disabled' })] });
    const c = h.accept('c1');
    expect(states(c)).toEqual({ phase: Phase.Waiting, client: Side.Closing, upstream: Side.None });
    expect(h.io.log).toEqual(['adopt c1', 'close c1']);
    h.io.closed('c1');
    expect(c.phase).toBe(Phase.Done);
    expect(h.svc.active).toBe(0);
  });

  it('the connect timeout fails the attempt and it is retried', () => {
    const h = harness({ connectTimeoutMs: 500 });
    const c = h.accept();
    vi.advanceTimersByTime(499);
    expect(c.upstreamState).toBe(Side.Connecting);
    vi.advanceTimersByTime(1);
    expect(c.upstreamState).toBe(Side.Closing);
    h.io.closed('up1');
    expect(c.lastFailure).toBe('connect timeout');
    expect(c.backend?.id).toBe(B);
    // The new attempt has its own full timeout.
    c.onConnectDone(c.upstream as Endpoint, null);
    vi.advanceTimersByTime(10_000);
    expect(states(c)).toEqual({ phase: Phase.Relaying, client: Side.Open, upstream: Side.Open });
  });
});

describe('client gone during connect', () => {
  it('upstream close first: no retry, not a backend failure; the slot is held until the end', () => {
    const h = harness();
    const c = h.accept('c1');
    c.destroy();
    expect(states(c)).toEqual({ phase: Phase.Connecting, client: Side.Closing, upstream: Side.Closing });
    h.io.closed('up1');
    expect(states(c)).toEqual({ phase: Phase.Waiting, client: Side.Closing, upstream: Side.None });
    expect(h.svc.retries).toBe(0);
    expect(h.backend(A)).toMatchObject({ connectFailures: 0, localActive: 1 });
    h.io.closed('c1');
    expect(states(c)).toEqual({ phase: Phase.Done, client: Side.Closed, upstream: Side.None });
    expect(h.backend(A).localActive).toBe(0);
    expect(h.svc.active).toBe(0);
    expect(c.reason).toBe('destroyed');
  });

  it('client close first: the end waits for the upstream, then drains a draining backend', () => {
    const h = harness();
    const c = h.accept('c1');
    h.svc.update(serviceConfig({ backends: [backendConfig(A, { state: 'draining' }), backendConfig(B)] }));
    c.destroy();
    h.io.closed('c1');
    expect(states(c)).toEqual({ phase: Phase.Connecting, client: Side.Closed, upstream: Side.Closing });
    expect(h.svc.active).toBe(1);
    h.io.closed('up1');
    expect(states(c)).toEqual({ phase: Phase.Done, client: Side.Closed, upstream: Side.None });
    expect(h.svc.retries).toBe(0);
    expect(h.events).toEqual(['state 1 enabled→draining', 'drained 1 (0 closed)']);
  });

  it('connected after the client began closing: the upstream is closed, nothing is relayed', () => {
    const h = harness();
    const c = h.accept('c1');
    c.destroy();
    c.onConnectDone(c.upstream as Endpoint, null);
    expect(h.io.log).not.toContain('relay c1');
    h.io.closeAll();
    expect(c.phase).toBe(Phase.Done);
    expect(h.backend(A).total).toBe(0);
  });
});

describe('relaying and half-close', () => {
  it('client FIN first: each side ends after FIN both ways; the last close finalizes', () => {
    const h = harness();
    const c = relaying(h);
    const up = c.upstream as Endpoint;
    c.onReadEnd(c.client);
    expect(c.clientState).toBe(Side.ReadEnded);
    c.onWriteEnd(up, 0);
    expect(c.upstreamState).toBe(Side.WriteEnded);
    c.onReadEnd(up);
    // The upstream is done both ways; the client still gets the upstream's FIN.
    expect(states(c)).toEqual({ phase: Phase.Relaying, client: Side.ReadEnded, upstream: Side.Closing });
    c.onWriteEnd(c.client, 0);
    expect(states(c)).toEqual({ phase: Phase.Relaying, client: Side.Closing, upstream: Side.Closing });
    h.io.closeAll();
    expect(states(c)).toEqual({ phase: Phase.Done, client: Side.Closed, upstream: Side.Closed });
    expect(c.reason).toBeNull();
    expect(h.svc.active).toBe(0);
    expect(h.backend(A).localActive).toBe(0);
  });

  it('our FIN out first, then the peer\'s: Open → WriteEnded → Closing on each side', () => {
    const h = harness();
    const c = relaying(h);
    const up = c.upstream as Endpoint;
    c.onWriteEnd(c.client, 0);
    expect(c.clientState).toBe(Side.WriteEnded);
    c.onReadEnd(up);
    expect(c.upstreamState).toBe(Side.ReadEnded);
    c.onReadEnd(c.client);
    expect(c.clientState).toBe(Side.Closing);
    c.onWriteEnd(up, 0);
    expect(c.upstreamState).toBe(Side.Closing);
    h.io.closeAll();
    expect(c.phase).toBe(Phase.Done);
  });

  it('a side that finished waits LINGER for the other, then both are destroyed', () => {
    const h = harness();
    const c = relaying(h);
    c.onReadEnd(c.client);
    c.onWriteEnd(c.client, 0);
    expect(states(c)).toEqual({ phase: Phase.Relaying, client: Side.Closing, upstream: Side.Open });
    h.io.closed(nameOf(c.client));
    expect(c.phase).toBe(Phase.Relaying);
    vi.advanceTimersByTime(29_999);
    expect(c.upstreamState).toBe(Side.Open);
    vi.advanceTimersByTime(1);
    expect(c.upstreamState).toBe(Side.Closing);
    expect(c.reason).toBe('destroyed');
    h.io.closeAll();
    expect(c.phase).toBe(Phase.Done);
  });

  it('an error closes both sides at once and keeps the first reason', () => {
    const h = harness();
    const c = relaying(h);
    c.fail('backend-error');
    c.fail('client-error');
    expect(states(c)).toEqual({ phase: Phase.Relaying, client: Side.Closing, upstream: Side.Closing });
    expect(c.reason).toBe('backend-error');
    // Events for a closing side are ignored.
    c.onReadEnd(c.client);
    c.onWriteEnd(c.client, 0);
    expect(c.clientState).toBe(Side.Closing);
    h.io.closeAll();
    expect(c.phase).toBe(Phase.Done);
    expect(h.svc.active).toBe(0);
  });

  it('a failed FIN (shutdown status < 0) is an error of that side', () => {
    const h = harness();
    const c = relaying(h);
    c.onWriteEnd(c.upstream as Endpoint, -32);
    expect(c.reason).toBe('backend-error');
    expect(states(c)).toEqual({ phase: Phase.Relaying, client: Side.Closing, upstream: Side.Closing });
  });

  it('the idle timeout destroys a quiet connection; a chunk pushes it back', () => {
    const h = harness({ idleTimeoutMs: 1000 });
    const c = relaying(h);
    vi.advanceTimersByTime(600);
    c.lastActive = performance.now(); // what relay.ts does per chunk
    vi.advanceTimersByTime(600);
    expect(c.clientState).toBe(Side.Open);
    vi.advanceTimersByTime(400);
    expect(c.reason).toBe('idle-timeout');
    expect(states(c)).toEqual({ phase: Phase.Relaying, client: Side.Closing, upstream: Side.Closing });
  });

  it('finalize runs once, whatever order the close callbacks come in', () => {
    const h = harness();
    const ends: Connection[] = [];
    const onEnd = h.svc.onEnd.bind(h.svc);
    h.svc.onEnd = (conn) => {
      ends.push(conn);
      onEnd(conn);
    };
    const c = relaying(h);
    c.destroy();
    c.destroy();
    h.io.closed('up1');
    expect(ends).toHaveLength(0);
    h.io.closed(nameOf(c.client));
    expect(ends).toEqual([c]);
    // A stray callback for a handle that is not this connection's changes nothing.
    c.onHandleClosed(fakeHandle('stray'));
    expect(ends).toEqual([c]);
  });
});

describe('passive verdict of a connected backend', () => {
  const passive = (n: number) => ({ healthCheck: { ...HEALTH_CHECK_DEFAULTS, type: 'none' as const, passiveFailures: n } });
  const clientSent = (c: Connection, bytes: number) => Object.assign(c.client, { bytesRead: bytes });

  it('a reset before the backend\'s first byte is a failure; passiveFailures of them in a row reach the threshold', () => {
    const h = harness({ ...passive(2), backends: [backendConfig(A)] });
    relaying(h).fail('backend-error');
    expect(h.backend(A).failStreak).toBe(1);
    // A success in between would restart the streak; none here: the second one reaches 2.
    relaying(h).fail('backend-error');
    expect(h.backend(A).failStreak).toBe(2);
    expect(h.events).toEqual(['passive 1']);
    // Connect failures are not what these are: the connect itself worked.
    expect(h.backend(A).connectFailures).toBe(0);
  });

  it('a backend that spoke is a success, whatever follows; the streak restarts', () => {
    const h = harness({ ...passive(2), backends: [backendConfig(A)] });
    relaying(h).fail('backend-error');
    const c = relaying(h);
    c.onBackendFirstByte();
    expect(h.backend(A).failStreak).toBe(0);
    c.fail('backend-error');
    expect(h.backend(A).failStreak).toBe(0);
    expect(h.events).toEqual([]);
  });

  it('a FIN before the first byte fails only a client that sent data and is still waiting', () => {
    const h = harness({ ...passive(3), backends: [backendConfig(A)] });
    const waiting = relaying(h);
    clientSent(waiting, 5);
    waiting.onReadEnd(waiting.upstream as Endpoint);
    expect(h.backend(A).failStreak).toBe(1);
    // The client said nothing, before or after: the end is not the backend's fault.
    const silent = relaying(h);
    silent.onReadEnd(silent.upstream as Endpoint);
    expect(h.backend(A).failStreak).toBe(1);
    // The client's FIN came first (a sink that closes in turn): not a failure either.
    const sink = relaying(h);
    clientSent(sink, 5);
    sink.onReadEnd(sink.client);
    sink.onReadEnd(sink.upstream as Endpoint);
    silent.destroy();
    sink.destroy();
    h.io.closeAll();
    expect(h.backend(A).failStreak).toBe(0);
    // The backend quit before the client's bytes were read: what the client sent decides at its close.
    const late = relaying(h);
    late.onReadEnd(late.upstream as Endpoint);
    clientSent(late, 5);
    late.destroy();
    expect(h.backend(A).failStreak).toBe(1);
  });
});

describe('waiting and drain', () => {
  it('pending first check → queued (Waiting) → served when the backend comes up', () => {
    const h = harness({}, false);
    const c = h.accept('c1');
    expect(states(c)).toEqual({ phase: Phase.Waiting, client: Side.Open, upstream: Side.None });
    expect(h.svc.queue.length).toBe(1);
    h.svc.setHealth(B, 'unknown', 'up', 'test');
    expect(h.svc.queue.length).toBe(0);
    expect(states(c)).toEqual({ phase: Phase.Connecting, client: Side.Open, upstream: Side.Connecting });
    expect(c.backend?.id).toBe(B);
  });

  it('a queued client that leaves is taken out of the queue and ends', () => {
    const h = harness({}, false);
    const c = h.accept('c1');
    c.destroy();
    h.io.closed('c1');
    expect(h.svc.queue.length).toBe(0);
    expect(c.phase).toBe(Phase.Done);
    expect(h.svc.active).toBe(0);
  });

  it('a queued client whose deadline passes is rejected', () => {
    const h = harness({ queueTimeoutMs: 200 }, false);
    const c = h.accept('c1');
    vi.advanceTimersByTime(200);
    expect(h.svc.queue.length).toBe(0);
    expect(c.reason).toBe('rejected');
    expect(c.clientState).toBe(Side.Closing);
  });

  it('a drain ends when the last relaying connection of the backend ends', () => {
    const h = harness();
    const c1 = relaying(h);
    const c2 = h.accept();
    expect(c2.backend?.id).toBe(B);
    h.svc.update(serviceConfig({ backends: [backendConfig(A, { state: 'draining' }), backendConfig(B)] }));
    // Nothing new goes to a draining backend.
    const c3 = h.accept();
    expect(c3.backend?.id).toBe(B);
    expect(h.events).toEqual(['state 1 enabled→draining']);
    c1.destroy();
    h.io.closed(nameOf(c1.client));
    h.io.closed('up1');
    expect(h.events).toEqual(['state 1 enabled→draining', 'drained 1 (0 closed)']);
  });

  it('the drain timeout destroys what is left and reports how many', () => {
    const h = harness({ drainTimeoutMs: 1000 });
    const c = relaying(h);
    h.svc.update(serviceConfig({ drainTimeoutMs: 1000, backends: [backendConfig(B)] }));
    vi.advanceTimersByTime(1000);
    expect(h.events).toEqual(['drained 1 (1 closed)']);
    expect(states(c)).toEqual({ phase: Phase.Relaying, client: Side.Closing, upstream: Side.Closing });
    h.io.closeAll();
    // The end of the destroyed connection does not end the drain a second time.
    expect(h.events).toEqual(['drained 1 (1 closed)']);
    expect(c.phase).toBe(Phase.Done);
  });
});

describe('ending at a drain deadline (endGracefully)', () => {
  it('the backend gets FIN, its FIN travels to the client, each side closes on its peer\'s FIN: no hard close', () => {
    const h = harness();
    const c = relaying(h);
    const up = c.upstream as Endpoint;
    h.io.log.length = 0;
    c.endGracefully();
    expect(states(c)).toEqual({ phase: Phase.Ending, client: Side.Open, upstream: Side.Open });
    expect(h.io.log).toEqual([`discard ${nameOf(c.client)}`, `fin ${nameOf(up)}`]);
    c.onWriteEnd(up, 0); // our FIN reached the backend
    c.onReadEnd(up); // its replies, then its FIN (relay.ts forwards that FIN to the client)
    expect(states(c)).toEqual({ phase: Phase.Ending, client: Side.Open, upstream: Side.Closing });
    c.onWriteEnd(c.client, 0);
    c.onReadEnd(c.client);
    expect(c.clientState).toBe(Side.Closing);
    h.io.closeAll();
    expect(c.phase).toBe(Phase.Done);
    expect(c.reason).toBe('drain-deadline');
    expect(h.io.log.filter((l) => l.startsWith('fin'))).toEqual([`fin ${nameOf(up)}`]);
  });

  it('a backend that keeps its side open past the grace: the client gets FIN, the backend is closed hard; then the client\'s grace', () => {
    const h = harness();
    const c = relaying(h);
    const up = c.upstream as Endpoint;
    c.endGracefully();
    c.onWriteEnd(up, 0);
    vi.advanceTimersByTime(ENDING_GRACE_MS - 1);
    expect(c.upstreamState).toBe(Side.WriteEnded);
    vi.advanceTimersByTime(1);
    expect(h.io.log.slice(-2)).toEqual([`fin ${nameOf(c.client)}`, `close ${nameOf(up)}`]);
    expect(states(c)).toEqual({ phase: Phase.Ending, client: Side.Open, upstream: Side.Closing });
    c.onWriteEnd(c.client, 0);
    // The client never answers with its FIN: closed hard after its own grace.
    vi.advanceTimersByTime(ENDING_GRACE_MS - 1);
    expect(c.clientState).toBe(Side.WriteEnded);
    vi.advanceTimersByTime(1);
    expect(c.clientState).toBe(Side.Closing);
    h.io.closeAll();
    expect(c.phase).toBe(Phase.Done);
  });

  it('after the client\'s FIN no second FIN goes to the backend; a connection not relaying yet is destroyed', () => {
    const h = harness();
    const c = relaying(h);
    c.onReadEnd(c.client); // relay.ts already sent the backend FIN
    h.io.log.length = 0;
    c.endGracefully();
    expect(h.io.log).toEqual([]);
    expect(c.phase).toBe(Phase.Ending);
    const waiting = h.accept('c9');
    waiting.endGracefully();
    expect(waiting.clientState).toBe(Side.Closing);
    expect(waiting.reason).toBe('destroyed');
  });
});
