// Command-line and environment parsing for `fulcrum`. Pure: no I/O, so it is unit-tested.
import { parseArgs } from 'node:util';
import type { HostPort } from '@fulcrum/shared/address';
import { formatAddress, parseAddress } from '@fulcrum/shared/address';
import { STRATEGY_NAMES, isStrategyName } from '@fulcrum/shared/strategies';
import type { StrategyName } from '@fulcrum/shared/strategies';

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
}

export const DEFAULT_ADMIN = '127.0.0.1:8080';
export const DEFAULT_DATA_DIR = './data';

export const USAGE = `Usage: fulcrum [options]

Fulcrum: a Layer-4 TCP load balancer with a live admin console.

Options:
  --admin HOST:PORT     admin console and API address (env FULCRUM_ADMIN, default ${DEFAULT_ADMIN})
  --data DIR            data directory holding fulcrum.db (env FULCRUM_DATA, default ${DEFAULT_DATA_DIR})
  --listen HOST:PORT    first run only: create a service "default" listening here
  --backend HOST:PORT   first run only: a backend of that service (repeatable)
  --strategy NAME       first run only: its strategy (default round-robin)
  -h, --help            show this help

Strategies: ${STRATEGY_NAMES.join(', ')}

Environment:
  FULCRUM_ADMIN_TOKEN   the admin token (otherwise one is generated on first start and printed once)
  FULCRUM_LOG_LEVEL     server log level (default warn)

Once a data directory holds services, --listen/--backend/--strategy are ignored: change the
configuration in the dashboard or through the API instead.
`;

const OPTIONS = {
  admin: { type: 'string' },
  data: { type: 'string' },
  listen: { type: 'string' },
  backend: { type: 'string', multiple: true },
  strategy: { type: 'string' },
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

function address(value: string, what: string): HostPort {
  const parsed = parseAddress(value);
  if (!parsed.ok) throw new UsageError(`${what} "${value}": ${parsed.reason}`);
  return parsed.value;
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
  return { help, admin, dataDir, ...(seed ? { seed } : {}), ...(adminToken ? { adminToken } : {}) };
}
