// Command-line and environment parsing for `fulcrum`. Pure: no I/O, so it is unit-tested.
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import type { HostPort } from '@fulcrum/shared/address';
import { formatAddress, parseAddress } from '@fulcrum/shared/address';
import { STRATEGY_NAMES, isStrategyName } from '@fulcrum/shared/strategies';
import type { StrategyName } from '@fulcrum/shared/strategies';
import { RELAY_MODES, isOneOf, type RelayMode } from '@fulcrum/shared/enums';
import { EVENT_RETENTION_DEFAULTS } from '../store/events-repo.ts';
import type { EventRetention } from '../store/events-repo.ts';
import { parseWorkers } from './worker-args.ts';
import { parseStoreUrl } from '../fleet/store-url.ts';
import type { SharedStoreUrl } from '../fleet/store-url.ts';

/** A usage mistake: printed as one line `fulcrum: <message>`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CliOptions {
  help: boolean;
  admin: HostPort;
  dataDir: string;
  /** The first-run service, when --listen was given. */
  seed?: { listen: HostPort; backends: HostPort[]; strategy: StrategyName };
  /** FULCRUM_ADMIN_TOKEN, if set. */
  adminToken?: string;
  /** --config FILE: the initial configuration of an empty store. */
  configFile?: string;
  /** --tls-cert/--tls-key: serve the admin over HTTPS. */
  tls?: { certFile: string; keyFile: string };
  /** --events-max/--events-days: how much of the event log to keep. */
  eventRetention: EventRetention;
  /** --workers N|auto (env FULCRUM_WORKERS): engine processes; absent = 1, the engine runs in this process. */
  workers?: number | 'auto';
  /** --shutdown-timeout MS (env FULCRUM_SHUTDOWN_TIMEOUT): how long connections may finish on SIGTERM/SIGINT. */
  shutdownTimeoutMs?: number;
  /**
   * --reload-drain-limit MS|off (env FULCRUM_RELOAD_DRAIN_LIMIT): how long the previous workers
   * may keep serving their connections after a reload; absent = off, no limit.
   */
  reloadDrainLimitMs?: number;
  /** --stop-grace MS (env FULCRUM_STOP_GRACE): on SIGTERM, keep accepting this long after the admin closed. */
  stopGraceMs?: number;
  /** --access-log (env FULCRUM_ACCESS_LOG=1): one JSON line per connection on stdout. */
  accessLog: boolean;
  /** --store postgres://… (env FULCRUM_STORE): share the configuration with other nodes. */
  store?: SharedStoreUrl;
  /** --node-name (env FULCRUM_NODE_NAME): this node's name in the cluster (default: the host name). */
  nodeName?: string;
  /** --listen-host (env FULCRUM_LISTEN_HOST): every service listens on this host on this node. */
  listenHost?: string;
  /** --dns-server (env FULCRUM_DNS_SERVERS): the DNS servers discovery groups ask (`host` or `host:port`, comma-separated). */
  dnsServers?: string[];
  /** --relay auto|native|socket (env FULCRUM_RELAY): which relay moves the bytes; absent = auto. */
  relay?: RelayMode;
}

export const DEFAULT_ADMIN = '127.0.0.1:8080';
/** The shortest admin token `fulcrum` accepts from FULCRUM_ADMIN_TOKEN. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;
export const DEFAULT_DATA_DIR = './data';
/** The longest --reload-drain-limit: 7 days (a Node timer holds at most ~24.8 days). */
export const MAX_RELOAD_DRAIN_LIMIT_MS = 604_800_000;

export const USAGE = `Usage: fulcrum [options]

Fulcrum: a Layer-4 TCP load balancer with a live admin console.

Options:
  --admin HOST:PORT     admin console and API address (env FULCRUM_ADMIN, default ${DEFAULT_ADMIN})
  --data DIR            data directory holding fulcrum.db (env FULCRUM_DATA, default ${DEFAULT_DATA_DIR})
  --listen HOST:PORT    first run only: create a service "default" listening here
  --backend HOST:PORT   first run only: a backend of that service (repeatable)
  --strategy NAME       first run only: its strategy (default round-robin)
  --config FILE         first run only: load this configuration file (YAML or JSON) into the empty store
  --tls-cert FILE       serve the admin over HTTPS with this PEM certificate (chain) (env FULCRUM_TLS_CERT)
  --tls-key FILE        ... and this PEM private key (env FULCRUM_TLS_KEY)
  --events-max N        keep at most N events in the event log (env FULCRUM_EVENTS_MAX, default ${EVENT_RETENTION_DEFAULTS.maxEvents})
  --events-days D       keep events for at most D days (env FULCRUM_EVENTS_DAYS, default ${EVENT_RETENTION_DEFAULTS.maxDays})
  --workers N|auto      engine worker processes, auto = one per core (env FULCRUM_WORKERS, default 1:
                        the engine runs in the admin process); see docs/WORKERS.md
  --shutdown-timeout MS how long established connections may finish on SIGTERM/SIGINT; then they
                        are closed with FIN (env FULCRUM_SHUTDOWN_TIMEOUT, default 10000)
  --reload-drain-limit MS|off
                        after a reload, how long the previous workers keep serving their
                        established connections; then they are closed with FIN (env
                        FULCRUM_RELOAD_DRAIN_LIMIT, default off: until they end by themselves)
  --stop-grace MS       on SIGTERM, keep accepting new connections this long after the admin port
                        closed, so a keepalived peer takes the virtual IP first (env
                        FULCRUM_STOP_GRACE, default 0; deploy/ uses 1500)
  --access-log          log every connection as one JSON line on stdout (msg "connection": service,
                        client, backend, durationMs, bytesIn, bytesOut, reason), whatever
                        FULCRUM_LOG_LEVEL says (env FULCRUM_ACCESS_LOG=1, default off)
  --store URL           share the configuration with other nodes through PostgreSQL:
                        postgres://user:password@host:port/database (env FULCRUM_STORE;
                        default: the embedded SQLite store in --data); see README "Cluster and HA"
  --node-name NAME      this node's name in the cluster (env FULCRUM_NODE_NAME, default the host name)
  --listen-host HOST    on this node, every service listens on HOST instead of its configured host
                        (env FULCRUM_LISTEN_HOST)
  --dns-server LIST     DNS servers for discovery groups, comma-separated IP or IP:PORT
                        (env FULCRUM_DNS_SERVERS, default the system's, /etc/resolv.conf)
  --relay MODE          which relay moves the bytes: auto (the native one where its check of Node's
                        internals passes, else socket), native (only it; fails to start where the
                        check fails) or socket (net.Socket, public API only) (env FULCRUM_RELAY,
                        default auto); see README "Node releases"
  -h, --help            show this help

Commands (see README):
  fulcrum export [--data DIR] [--format yaml|json] [--with-secrets]
                                                          print the stored configuration
  fulcrum import FILE [--data DIR] [--admin HOST:PORT]    replace the configuration with FILE
  fulcrum token create|revoke NAME [--data DIR]           create (printed once) or revoke an API token
  fulcrum token list [--data DIR]                         list the active API tokens
  fulcrum reload [--data DIR]                             zero-downtime reload of a running fulcrum (SIGHUP)

Strategies: ${STRATEGY_NAMES.join(', ')}

Environment:
  FULCRUM_ADMIN_TOKEN   the admin token (otherwise one is generated on first start and printed once)
  FULCRUM_LOG_LEVEL     server log level (default warn)

Once a data directory holds services, --listen/--backend/--strategy and --config are ignored:
change the configuration in the dashboard, through the API or with \`fulcrum import\` instead.
`;

const OPTIONS = {
  admin: { type: 'string' },
  data: { type: 'string' },
  listen: { type: 'string' },
  backend: { type: 'string', multiple: true },
  strategy: { type: 'string' },
  config: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'events-max': { type: 'string' },
  'events-days': { type: 'string' },
  workers: { type: 'string' },
  'shutdown-timeout': { type: 'string' },
  'reload-drain-limit': { type: 'string' },
  'stop-grace': { type: 'string' },
  'access-log': { type: 'boolean' },
  store: { type: 'string' },
  'node-name': { type: 'string' },
  'listen-host': { type: 'string' },
  'dns-server': { type: 'string' },
  relay: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Names the first offending argument (parseArgs' own messages are long and multi-line). */
function describeParseError(args: string[]): string {
  const { tokens } = parseArgs({ args, options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional') return `unexpected argument "${token.value}" (see fulcrum --help)`;
    if (token.kind !== 'option') continue;
    const spec = (OPTIONS as Record<string, { type: string }>)[token.name];
    if (!spec) return `unknown option ${token.rawName} (see fulcrum --help)`;
    if (spec.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) {
      return `${token.rawName} needs a value`;
    }
    if (spec.type === 'boolean' && token.value !== undefined) return `${token.rawName} takes no value`;
  }
  return 'invalid arguments (see fulcrum --help)';
}

/** A whole number in [min, max], named `what` in the error. */
export function wholeNumber(value: string, what: string, min: number, max: number): number {
  const n = /^\d{1,12}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${what} "${value}": must be a whole number from ${min} to ${max}`);
  return n;
}

/** `off` (undefined: no limit) or a whole number of milliseconds. */
function reloadDrainLimit(value: string, what: string): number | undefined {
  if (value.trim().toLowerCase() === 'off') return undefined;
  if (!/^\d{1,12}$/.test(value.trim()) || Number(value.trim()) > MAX_RELOAD_DRAIN_LIMIT_MS) {
    throw new UsageError(`${what} "${value}": must be off or a whole number of milliseconds from 0 to ${MAX_RELOAD_DRAIN_LIMIT_MS}`);
  }
  return Number(value.trim());
}

/** A flag's value, else the environment variable's (named in errors by what was used). */
/** `1.2.3.4,[::1]:5353,127.0.0.1:5353` → the entries node:dns setServers() takes; each must be an IP (with an optional port). */
function parseDnsServers(list: string, option: string): string[] {
  return list.split(',').map((entry) => {
    const text = entry.trim();
    const withPort = parseAddress(text);
    const ip = withPort.ok ? withPort.value.host : text;
    if (isIP(ip) === 0) throw new UsageError(`${option} "${text}": each entry is an IP address, or IP:PORT ([IPv6]:PORT)`);
    return text;
  });
}

function flagOrEnv(flag: string | undefined, env: NodeJS.ProcessEnv, name: string, option: string): [string, string] | undefined {
  if (flag !== undefined) return [flag, option];
  const value = env[name];
  return value === undefined || value === '' ? undefined : [value, name];
}

function address(value: string, what: string): HostPort {
  const parsed = parseAddress(value);
  if (!parsed.ok) throw new UsageError(`${what} "${value}": ${parsed.reason}`);
  // Host names are case-insensitive; the store keeps them in lower case (see input-checks.ts).
  return { host: parsed.value.host.toLowerCase(), port: parsed.value.port };
}

/** Parses argv (without node and script) and the environment. Throws UsageError. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliOptions {
  // `pnpm start -- --listen …` passes the `--` through; it is not an option terminator here.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch {
    throw new UsageError(describeParseError(args));
  }
  const help = values.help === true;
  const admin =
    values.admin !== undefined
      ? address(values.admin, '--admin')
      : address(env.FULCRUM_ADMIN || DEFAULT_ADMIN, env.FULCRUM_ADMIN ? 'FULCRUM_ADMIN' : '--admin');
  const dataDir = values.data ?? env.FULCRUM_DATA ?? DEFAULT_DATA_DIR;
  if (dataDir.trim() === '') throw new UsageError('--data needs a directory');

  const strategy = values.strategy ?? 'round-robin';
  if (!isStrategyName(strategy)) throw new UsageError(`unknown strategy "${strategy}"; one of: ${STRATEGY_NAMES.join(', ')}`);
  const backendArgs = values.backend ?? [];
  let seed: CliOptions['seed'];
  if (values.listen === undefined) {
    if (backendArgs.length > 0) throw new UsageError('--backend needs --listen (the address the service listens on)');
    if (values.strategy !== undefined) throw new UsageError('--strategy needs --listen (the address the service listens on)');
  } else {
    const listen = address(values.listen, '--listen');
    const seen = new Set<string>();
    const backends = backendArgs.map((value) => {
      const parsed = address(value, '--backend');
      const key = formatAddress(parsed.host, parsed.port);
      if (seen.has(key)) throw new UsageError(`--backend ${key} is given twice`);
      seen.add(key);
      return parsed;
    });
    seed = { listen, backends, strategy };
  }
  const adminToken = env.FULCRUM_ADMIN_TOKEN === undefined || env.FULCRUM_ADMIN_TOKEN === '' ? undefined : env.FULCRUM_ADMIN_TOKEN;
  // A short admin token is guessable; refuse it rather than warn (issue 13 §3).
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new UsageError(`FULCRUM_ADMIN_TOKEN is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters; use a long random value (e.g. openssl rand -hex 24)`);
  }

  const configFile = values.config;
  if (configFile !== undefined) {
    if (configFile.trim() === '') throw new UsageError('--config needs a file');
    if (seed) throw new UsageError('--config and --listen both describe the first configuration; give one of them');
  }
  const cert = flagOrEnv(values['tls-cert'], env, 'FULCRUM_TLS_CERT', '--tls-cert');
  const key = flagOrEnv(values['tls-key'], env, 'FULCRUM_TLS_KEY', '--tls-key');
  if (cert && !key) throw new UsageError(`${cert[1]} needs --tls-key (the certificate's private key)`);
  if (key && !cert) throw new UsageError(`${key[1]} needs --tls-cert (the certificate for the key)`);
  const tls = cert && key ? { certFile: cert[0], keyFile: key[0] } : undefined;
  const maxEvents = flagOrEnv(values['events-max'], env, 'FULCRUM_EVENTS_MAX', '--events-max');
  const maxDays = flagOrEnv(values['events-days'], env, 'FULCRUM_EVENTS_DAYS', '--events-days');
  const eventRetention: EventRetention = {
    maxEvents: maxEvents ? wholeNumber(maxEvents[0], maxEvents[1], 100, 100_000_000) : EVENT_RETENTION_DEFAULTS.maxEvents,
    maxDays: maxDays ? wholeNumber(maxDays[0], maxDays[1], 1, 36_500) : EVENT_RETENTION_DEFAULTS.maxDays,
  };
  const workersArg = flagOrEnv(values.workers, env, 'FULCRUM_WORKERS', '--workers');
  let workers: number | 'auto' | undefined;
  try {
    workers = workersArg ? parseWorkers(workersArg[0], workersArg[1]) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const shutdown = flagOrEnv(values['shutdown-timeout'], env, 'FULCRUM_SHUTDOWN_TIMEOUT', '--shutdown-timeout');
  const shutdownTimeoutMs = shutdown ? wholeNumber(shutdown[0], shutdown[1], 0, 86_400_000) : undefined;
  const drainLimit = flagOrEnv(values['reload-drain-limit'], env, 'FULCRUM_RELOAD_DRAIN_LIMIT', '--reload-drain-limit');
  const reloadDrainLimitMs = drainLimit ? reloadDrainLimit(drainLimit[0], drainLimit[1]) : undefined;
  const grace = flagOrEnv(values['stop-grace'], env, 'FULCRUM_STOP_GRACE', '--stop-grace');
  const stopGraceMs = grace ? wholeNumber(grace[0], grace[1], 0, 60_000) : undefined;
  const accessLogEnv = env.FULCRUM_ACCESS_LOG ?? '';
  if (!['', '0', '1'].includes(accessLogEnv.trim())) throw new UsageError(`FULCRUM_ACCESS_LOG "${accessLogEnv}": must be 1 (on) or 0 (off)`);
  const accessLog = values['access-log'] === true || accessLogEnv.trim() === '1';
  const storeArg = flagOrEnv(values.store, env, 'FULCRUM_STORE', '--store');
  let store: SharedStoreUrl | undefined;
  try {
    store = storeArg ? parseStoreUrl(storeArg[0]) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^--store/, storeArg![1]));
  }
  const nodeNameArg = flagOrEnv(values['node-name'], env, 'FULCRUM_NODE_NAME', '--node-name');
  if (nodeNameArg && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(nodeNameArg[0])) {
    throw new UsageError(`${nodeNameArg[1]} "${nodeNameArg[0]}": 1–63 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  const listenHostArg = flagOrEnv(values['listen-host'], env, 'FULCRUM_LISTEN_HOST', '--listen-host');
  let listenHost: string | undefined;
  if (listenHostArg) {
    const parsed = parseAddress(`${listenHostArg[0].includes(':') ? `[${listenHostArg[0]}]` : listenHostArg[0]}:1`);
    if (!parsed.ok) throw new UsageError(`${listenHostArg[1]} "${listenHostArg[0]}": not a host name or IP address`);
    listenHost = parsed.value.host.toLowerCase();
  }
  const dnsArg = flagOrEnv(values['dns-server'], env, 'FULCRUM_DNS_SERVERS', '--dns-server');
  const dnsServers = dnsArg ? parseDnsServers(dnsArg[0], dnsArg[1]) : undefined;
  const relayArg = flagOrEnv(values.relay, env, 'FULCRUM_RELAY', '--relay');
  const relay = relayArg?.[0].trim().toLowerCase();
  if (relayArg && !isOneOf(RELAY_MODES, relay)) throw new UsageError(`${relayArg[1]} "${relayArg[0]}": must be one of ${RELAY_MODES.join(', ')}`);
  return {
    help,
    admin,
    dataDir,
    ...(store ? { store } : {}),
    ...(nodeNameArg ? { nodeName: nodeNameArg[0] } : {}),
    ...(listenHost ? { listenHost } : {}),
    ...(dnsServers ? { dnsServers } : {}),
    ...(relay !== undefined ? { relay: relay as RelayMode } : {}),
    ...(seed ? { seed } : {}),
    ...(adminToken ? { adminToken } : {}),
    ...(configFile !== undefined ? { configFile } : {}),
    ...(tls ? { tls } : {}),
    eventRetention,
    ...(workers !== undefined ? { workers } : {}),
    ...(shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs } : {}),
    ...(reloadDrainLimitMs !== undefined ? { reloadDrainLimitMs } : {}),
    ...(stopGraceMs !== undefined ? { stopGraceMs } : {}),
    accessLog,
  };
}
