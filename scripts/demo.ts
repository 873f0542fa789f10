// `pnpm demo`: three demo Redis backends, the real Fulcrum in front of them, a small client load,
// and a few stdin commands to stop and start backends, so a newcomer sees load balancing at once.
// Loopback only; every process it starts is stopped by PID on the way out.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { formatAddress } from '../packages/shared/src/address.ts';
import type { HealthState, ServiceStatsDto } from '../packages/shared/src/api.ts';
import { AdminApiError, AdminClient } from './demo-admin-client.ts';
import { DEMO_USAGE, DemoUsageError, parseDemoArgs } from './demo-args.ts';
import type { DemoOptions } from './demo-args.ts';
import { DemoBackends, findRedisServer, redisVersion } from './demo-backends.ts';
import { killAllNow } from './demo-children.ts';
import { commandHelp, parseCommand } from './demo-commands.ts';
import { startFulcrum } from './demo-fulcrum.ts';
import type { FulcrumProcess } from './demo-fulcrum.ts';
import { LoadGenerator } from './demo-load.ts';
import { addSample, formatStatus, healthChanges } from './demo-status.ts';
import type { LoadSample } from './demo-status.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BACKEND_COUNT = 3;
const BACKEND_HOST = '127.0.0.1';
const STATUS_EVERY_MS = 10_000;
const POLL_EVERY_MS = 1000;

const say = (line = ''): void => void process.stdout.write(line === '' ? '\n' : `demo: ${line}\n`);
const complain = (line: string): void => void process.stderr.write(`demo: ${line}\n`);
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything the demo started, for the shutdown. */
interface Running {
  tempDir: string;
  backends?: DemoBackends;
  fulcrum?: FulcrumProcess;
  admin?: AdminClient;
  load?: LoadGenerator;
  input?: Interface;
  timers: NodeJS.Timeout[];
  stopping: boolean;
  latest?: ServiceStatsDto;
  /** Load counters once a second, for rates over the last 10 s. */
  samples: LoadSample[];
  /** The start-up in progress; the shutdown lets it reach a checkpoint first. */
  setup?: Promise<void>;
}

const run: Running = { tempDir: '', timers: [], stopping: false, samples: [] };

/** Thrown at a start-up checkpoint once a shutdown has begun. */
class SetupCancelled extends Error {
  readonly code = 'DEMO_SETUP_CANCELLED';
}

function checkpoint(): void {
  if (run.stopping) throw new SetupCancelled('start-up cancelled');
}

function removeTempDir(): void {
  if (run.tempDir !== '') rmSync(run.tempDir, { recursive: true, force: true });
}

/** Stops load, Fulcrum (SIGTERM, wait), backends; removes the temp dir; exits. Bounded by a watchdog. */
async function shutdown(reason: string, code: number): Promise<void> {
  if (run.stopping) return;
  run.stopping = true;
  setTimeout(() => {
    complain('shutdown took over 40 s: killing what is left');
    process.exit(1); // the 'exit' handler SIGKILLs the children and removes the temp dir
  }, 40_000).unref();
  say(`${reason}: shutting down`);
  for (const timer of run.timers) clearInterval(timer);
  run.input?.close();
  try {
    // So that whatever the start-up already launched is registered below and stopped in order.
    await run.setup?.catch(() => {});
    if (run.load) {
      await run.load.stop();
      say(`load stopped (${run.load.counters.ops} commands, ${run.load.counters.failures} failures, ${run.load.counters.connections} connections)`);
    }
    if (run.fulcrum) {
      await run.fulcrum.stop();
      say(`fulcrum (pid ${run.fulcrum.process.pid}) stopped`);
    }
    if (run.backends) {
      await run.backends.stopAll();
      say('backends stopped');
    }
    if (run.tempDir !== '') {
      removeTempDir();
      say(`removed ${run.tempDir}`);
    }
  } catch (err) {
    complain(`error while shutting down: ${message(err)}`);
    code = 1;
  }
  process.exit(code);
}

function sampleLoad(): LoadSample {
  const { ops, failures } = run.load?.counters ?? { ops: 0, failures: 0 };
  return { time: Date.now(), ops, failures };
}

function printStatus(): void {
  if (!run.backends) return;
  const now = sampleLoad();
  say(formatStatus(now, run.samples[0] ?? now, run.latest, run.backends.list));
}

const seenHealth = new Map<number, HealthState>();
/** Health changes are announced once the start-up is done. */
let announceHealth = false;

/** One GET /api/stats: keeps the latest sample and reports health changes. */
async function poll(): Promise<void> {
  if (!run.admin || !run.backends) return;
  const stats = await run.admin.stats();
  run.latest = stats.services.find((s) => s.name === 'demo');
  const changes = healthChanges(seenHealth, run.latest, run.backends.list);
  if (!announceHealth || changes.length === 0) return;
  for (const { backend, to } of changes) {
    if (to === 'down') say(`fulcrum marks backend ${backend.n} (${backend.address}) DOWN: new connections go to the others`);
    else if (to === 'up') say(`fulcrum marks backend ${backend.n} (${backend.address}) UP: slow start gives it a growing share over 5 s`);
  }
  printStatus();
}

function startPolling(): void {
  let busy = false;
  let failing = false;
  run.timers.push(
    setInterval(() => {
      addSample(run.samples, sampleLoad());
      if (busy || run.stopping) return;
      busy = true;
      poll()
        .then(() => (failing = false))
        .catch((err: unknown) => {
          if (!failing && !run.stopping) complain(`cannot read /api/stats: ${message(err)}`);
          failing = true;
        })
        .finally(() => (busy = false));
    }, POLL_EVERY_MS),
    setInterval(printStatus, STATUS_EVERY_MS),
  );
}

/** Reads commands from stdin, one at a time; without a terminal, closed stdin just means "keep running". */
function readCommands(): void {
  const input = createInterface({ input: process.stdin, terminal: false });
  run.input = input;
  let queue = Promise.resolve();
  input.on('line', (line) => {
    queue = queue.then(() => runCommand(line)).catch((err: unknown) => complain(message(err)));
  });
  input.on('close', () => {
    if (run.stopping) return;
    if (process.stdin.isTTY) void shutdown('end of input', 0);
    else say('stdin closed: running until --duration ends or Ctrl-C / SIGTERM');
  });
}

async function runCommand(line: string): Promise<void> {
  const backends = run.backends;
  if (run.stopping || !backends) return;
  const command = parseCommand(line, BACKEND_COUNT);
  switch (command.kind) {
    case 'empty':
      return;
    case 'invalid':
      say(command.message);
      return;
    case 'help':
      for (const text of commandHelp(BACKEND_COUNT)) say(`  ${text}`);
      return;
    case 'status':
      await poll().catch(() => {});
      printStatus();
      return;
    case 'quit':
      await shutdown('quit', 0);
      return;
    case 'stop': {
      const backend = backends.list[command.n - 1]!;
      if (!backend.running) return say(`backend ${command.n} is already stopped (start ${command.n} brings it back)`);
      const pid = backend.pid;
      await backends.stopOne(command.n);
      say(`backend ${command.n} (${backend.address}) stopped${pid ? ` (redis-server pid ${pid} ended)` : ''}; fulcrum marks it down within ~2 s (2 failed health checks, or refused connections)`);
      return;
    }
    case 'start': {
      const backend = backends.list[command.n - 1]!;
      if (backend.running) return say(`backend ${command.n} is already running`);
      await backends.startOne(command.n);
      say(`backend ${command.n} started again on ${backend.address}${backend.pid ? ` (redis-server pid ${backend.pid})` : ''}; it turns up after 2 good checks, then slow start`);
      return;
    }
  }
}

async function setUp(opts: DemoOptions): Promise<void> {
  const redisBinary = opts.backends === 'builtin' ? undefined : findRedisServer();
  if (opts.backends === 'redis' && redisBinary === undefined) throw new Error('redis-server is not on PATH (install redis-server, or use --backends builtin)');
  run.tempDir = mkdtempSync(join(tmpdir(), 'fulcrum-demo-'));
  say(`temporary data in ${run.tempDir} (removed on exit)`);
  say(
    redisBinary
      ? `backends: real redis-server processes (${redisBinary}, ${redisVersion(redisBinary)})`
      : `backends: built-in Node RESP servers in this process (${opts.backends === 'builtin' ? '--backends builtin' : 'redis-server not found on PATH'}; PING/SET/GET/INCR)`,
  );
  run.backends = await DemoBackends.start({ count: BACKEND_COUNT, host: BACKEND_HOST, redisBinary, dataDir: run.tempDir });
  checkpoint();
  for (const b of run.backends.list) say(`backend ${b.n}: ${b.address}${b.pid ? ` (redis-server pid ${b.pid})` : ' (built-in)'}`);

  const token = randomBytes(24).toString('base64url');
  const fulcrum = await startFulcrum({
    repoRoot: REPO_ROOT,
    admin: opts.admin,
    dataDir: join(run.tempDir, 'fulcrum'),
    token,
    onLine: (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`),
  });
  run.fulcrum = fulcrum;
  checkpoint();
  void fulcrum.process.exited.then(({ code, signal }) => {
    if (!run.stopping) void shutdown(`fulcrum exited unexpectedly (code ${code}, signal ${signal})`, 1);
  });
  say(`fulcrum pid ${fulcrum.process.pid}, admin console ${fulcrum.url}`);

  run.admin = new AdminClient(fulcrum.url, token);
  const listen = formatAddress(opts.listen.host, opts.listen.port);
  try {
    await run.admin.createService({
      name: 'demo',
      listen,
      strategy: opts.strategy,
      connectTimeoutMs: 1000,
      retries: 2,
      healthCheck: { type: 'redis', intervalMs: 1000, timeoutMs: 500, fall: 2, rise: 2, slowStartMs: 5000, passiveFailures: 3 },
      backends: run.backends.list.map((b) => ({ address: b.address })),
    });
  } catch (err) {
    if (err instanceof AdminApiError && err.code === 'ADDRESS_IN_USE') throw new Error(`${listen} is taken; pick another with --listen HOST:PORT`);
    throw err;
  }
  checkpoint();
  say(`service "demo" listening on ${listen}: ${opts.strategy}, redis health check every 1 s (fall 2, rise 2), slow start 5 s`);

  // Bounded wait for the first health checks, so the load spreads from the start.
  for (let i = 0; i < 50; i++) {
    checkpoint();
    await poll().catch(() => {});
    if (run.backends.list.every((b) => seenHealth.get(b.n) === 'up')) break;
    await sleep(200);
  }
  checkpoint();
  const up = run.backends.list.filter((b) => seenHealth.get(b.n) === 'up').length;
  say(`${up} of ${BACKEND_COUNT} backends are up`);

  run.load = new LoadGenerator({ host: opts.listen.host, port: opts.listen.port, clients: opts.clients, deadline: Date.now() + opts.durationMs });
  run.load.start();
  addSample(run.samples, sampleLoad());
  const { holding, perCommand } = run.load.mix;
  const minutes = opts.durationMs / 60_000;
  const duration = minutes >= 1 ? `${Math.round(minutes * 10) / 10} min` : `${Math.round(opts.durationMs / 1000)} s`;
  say(`load: ${opts.clients} clients (${holding} holding a connection 5-30 s, ${perCommand} connecting per command), for ${duration}`);
  run.timers.push(setTimeout(() => void shutdown(`--duration ${duration} reached`, 0), opts.durationMs));
  announceHealth = true;
  startPolling();

  say();
  say(`login link: ${fulcrum.url}?token=${token}`);
  say(`try it yourself: redis-cli -h ${opts.listen.host} -p ${opts.listen.port} INCR demo:counter`);
  say('commands (type and press Enter):');
  for (const text of commandHelp(BACKEND_COUNT)) say(`  ${text}`);
  say(`a status line follows every ${STATUS_EVERY_MS / 1000} s`);
  say();
  readCommands();
}

async function main(): Promise<void> {
  let opts: DemoOptions;
  try {
    opts = parseDemoArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof DemoUsageError)) throw err;
    complain(err.message);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(DEMO_USAGE);
    return;
  }
  // Any way out: no child survives, no temp dir stays behind.
  process.on('exit', () => {
    killAllNow();
    removeTempDir();
  });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) {
      complain(`${signal} again: killing everything now`);
      process.exit(1);
    }
    void shutdown(signal, 0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  const crash = (err: unknown): void => {
    complain(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void shutdown('error', 1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  run.setup = setUp(opts);
  try {
    await run.setup;
  } catch (err) {
    if (err instanceof SetupCancelled) return;
    complain(message(err));
    await shutdown('start-up failed', 1);
  }
}

await main();
