// The `fulcrum` command's entry point (at the root: bin/fulcrum.js, pnpm start and the e2e specs
// run this file): parse flags, start, print where everything is, stop cleanly on signals.
import { formatAddress } from '@fulcrum/shared/address';
import type { RelayInfo } from '@fulcrum/engine';
import { USAGE, UsageError, parseCliArgs } from './cli/cli-args.ts';
import type { CliOptions } from './cli/cli-args.ts';
import { installLifecycle } from './cli/lifecycle.ts';
import { isSignalCommand, runSignalCommand } from './commands/reload-command.ts';
import { HANDOVER_ENV, readHandoverSpec } from './handover/handover-protocol.ts';
import type { HandoverSpec } from './handover/handover-protocol.ts';
import { resolveWorkers } from './cli/worker-args.ts';
import { isSubcommand } from './commands/command-args.ts';
import { runSubcommand } from './commands/run-command.ts';
import { loadStartFiles } from './cli/start-files.ts';
import { SHUTDOWN_DRAIN_MS, StartupError, startServer } from './server.ts';
import type { RunningServer } from './server.ts';
import { historyTestSettings } from './cli/history-env.ts';

const say = (line: string): void => {
  process.stdout.write(`fulcrum: ${line}\n`);
};
const complain = (line: string): void => {
  process.stderr.write(`fulcrum: ${line}\n`);
};

const LOOPBACK = /^(127\.|::1$|localhost$)/;

/** Which relay moves the bytes, and why it is not the native one (README "Node releases"). */
function relayLine(relay: RelayInfo | undefined): string {
  if (relay === undefined) return 'relay: not reported yet';
  if (relay.relay === 'native') return 'relay native (raw libuv handles)';
  return `relay socket (net.Socket): ${relay.reason === null ? 'chosen with --relay socket' : `the native relay cannot run here: ${relay.reason}`}`;
}

function printBanner(server: RunningServer, opts: CliOptions): void {
  say(`data directory ${server.store.dataDir}`);
  if (opts.store) {
    const node = server.app.fulcrum.node;
    say(`cluster node "${node.name}" sharing ${opts.store.display}, configuration version ${server.app.fulcrum.config.version}${node.listenHost ? `, services listen on ${node.listenHost}` : ''}`);
    if (server.storeDown) complain(`warning: ${server.storeDown}; serving this node's local copy (version ${server.app.fulcrum.config.version}) and retrying`);
  }
  if (server.seed === 'ignored') {
    say(opts.configFile !== undefined
      ? `the store already holds services and wins; --config ${opts.configFile} applies only to an empty store (use fulcrum import or PUT /api/config to replace)`
      : 'using the stored configuration; --listen/--backend/--strategy apply only on the first run');
  }
  const services = server.app.fulcrum.config.services;
  if (server.cluster) say(server.cluster.describe());
  say(relayLine(server.engine.stats().relay));
  if (services.length === 0) say('no services yet: add one in the dashboard');
  for (const s of services) {
    const n = s.backends.length;
    // With --listen-host the service listens on that host here, on the configured port.
    const host = server.app.fulcrum.node.listenHost;
    const listen = host === null ? s.listen : formatAddress(host, Number(s.listen.slice(s.listen.lastIndexOf(':') + 1)));
    say(`service "${s.name}" listening on ${listen} (${s.strategy}, ${n} backend${n === 1 ? '' : 's'})`);
  }
  say(`dashboard ${server.url}`);
  switch (server.token.source) {
    case 'generated':
      say(`login link (new admin token, shown only this once): ${server.url}?token=${server.token.token}`);
      break;
    case 'env':
      say('login token: the value of FULCRUM_ADMIN_TOKEN');
      break;
    case 'stored':
      say('login token: the one printed on the first start (set FULCRUM_ADMIN_TOKEN to replace it)');
      break;
  }
  if (!opts.tls && !LOOPBACK.test(opts.admin.host)) {
    complain(`warning: the admin console listens on ${formatAddress(opts.admin.host, opts.admin.port)} over plain HTTP; put it behind TLS or keep it on loopback`);
  }
}

async function main(): Promise<void> {
  if (isSignalCommand(process.argv.slice(2))) process.exit(await runSignalCommand(process.argv.slice(2), process.env));
  if (isSubcommand(process.argv.slice(2))) process.exit(await runSubcommand(process.argv.slice(2), process.env));
  let opts: CliOptions;
  let files: ReturnType<typeof loadStartFiles>;
  let handover: HandoverSpec | undefined;
  try {
    opts = parseCliArgs(process.argv.slice(2), process.env);
    files = loadStartFiles(opts);
    handover = readHandoverSpec(process.env);
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof Error && err.message.startsWith(HANDOVER_ENV))) throw err;
    complain(err.message);
    process.exit(2);
  }
  // Not for our own workers or a later successor: they get their own instructions.
  delete process.env[HANDOVER_ENV];
  if (handover) say(`taking over from pid ${handover.from}: ${handover.listeners.length + (handover.admin ? 1 : 0)} listening socket(s) inherited`);
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }

  let server: RunningServer;
  try {
    server = await startServer({
      admin: opts.admin,
      dataDir: opts.dataDir,
      seed: opts.seed,
      adminToken: opts.adminToken,
      logLevel: process.env.FULCRUM_LOG_LEVEL,
      ...files,
      eventRetention: opts.eventRetention,
      workers: resolveWorkers(opts.workers),
      shutdownTimeoutMs: opts.shutdownTimeoutMs,
      reloadDrainLimitMs: opts.reloadDrainLimitMs,
      accessLog: opts.accessLog,
      ...(opts.store ? { store: opts.store } : {}),
      ...(opts.nodeName !== undefined ? { nodeName: opts.nodeName } : {}),
      ...(opts.listenHost !== undefined ? { listenHost: opts.listenHost } : {}),
      ...(opts.dnsServers !== undefined ? { dnsServers: opts.dnsServers } : {}),
      ...(opts.relay !== undefined ? { relay: opts.relay } : {}),
      ...(opts.stopGraceMs !== undefined ? { stopGraceMs: opts.stopGraceMs } : {}),
      ...(handover ? { handover } : {}),
      ...historyTestSettings(process.env),
    });
  } catch (err) {
    complain(err instanceof StartupError ? err.message : String(err));
    process.exit(err instanceof StartupError ? err.exitCode : 1);
  }
  // Signal handlers first: whoever reads the banner (a supervisor, a test) may send SIGTERM
  // the moment it appears, and until a handler exists SIGTERM kills without a clean shutdown.
  installLifecycle({
    dataDir: server.store.dataDir,
    shutdownTimeoutMs: opts.shutdownTimeoutMs ?? SHUTDOWN_DRAIN_MS,
    reloadDrainLimitMs: opts.reloadDrainLimitMs,
    cluster: server.cluster,
    predecessor: server.predecessor,
    close: () => server.close(),
    terminate: () => server.terminate(),
    say,
    complain,
  });
  printBanner(server, opts);
  if (handover && typeof process.send === 'function') {
    // The pid file names us now (installLifecycle): tell the predecessor, then live on our own.
    process.send({ fulcrumHandover: 'serving', pid: process.pid }, undefined, {}, () => process.disconnect());
  }
}

await main();
