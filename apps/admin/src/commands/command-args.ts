// Arguments of the subcommands `fulcrum export`, `fulcrum import` and `fulcrum token`. Pure, like
// cli-args.ts: strict parsing, one-line UsageErrors (exit 2).
import { parseArgs } from 'node:util';
import { parseAddress } from '@fulcrum/shared/address';
import { DEFAULT_DATA_DIR, UsageError } from '../cli/cli-args.ts';
import type { ConfigFormat } from '../config/config-document.ts';

export const SUBCOMMANDS = ['export', 'import', 'token'] as const;

export type Command =
  | { command: 'export'; dataDir: string; format: ConfigFormat; withSecrets: boolean }
  | { command: 'import'; dataDir: string; file: string; admin?: URL; adminToken?: string }
  | { command: 'token-create' | 'token-revoke'; dataDir: string; name: string }
  | { command: 'token-list'; dataDir: string }
  | { command: 'help'; text: string };

export const COMMAND_USAGE = `Usage:
  fulcrum export [--data DIR] [--format yaml|json] [--with-secrets]
      Print the stored configuration (default YAML). Reads the data directory directly; works
      whether or not an admin is running on it. Health-check passwords are left out
      (\`passwordSet: true\` keeps them on import) unless --with-secrets is given.
  fulcrum import FILE [--data DIR]
      Replace the stored configuration with FILE (YAML or JSON), all or nothing. Only while no
      admin runs on DIR; the next start applies it.
  fulcrum import FILE --admin HOST:PORT|URL
      Replace the configuration of a running admin through its API (PUT /api/config), with the
      token in FULCRUM_ADMIN_TOKEN.
  fulcrum token create NAME [--data DIR]
      Create an API token and print it (only this once).
  fulcrum token revoke NAME [--data DIR]
  fulcrum token list [--data DIR]

--data defaults to FULCRUM_DATA or ${DEFAULT_DATA_DIR}.
`;

/** Is argv a subcommand invocation (vs. starting the server)? */
export function isSubcommand(argv: readonly string[]): boolean {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  return (SUBCOMMANDS as readonly string[]).includes(args[0] ?? '');
}

const OPTIONS = {
  data: { type: 'string' },
  format: { type: 'string' },
  admin: { type: 'string' },
  'with-secrets': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
type OptionName = keyof typeof OPTIONS;

const ALLOWED: Record<string, OptionName[]> = {
  export: ['data', 'format', 'with-secrets', 'help'],
  import: ['data', 'admin', 'help'],
  token: ['data', 'help'],
};

function parse(command: string, args: string[]) {
  const { tokens } = parseArgs({ args, options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const values: Partial<Record<OptionName, string | boolean>> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const name = token.name as OptionName;
    if (!(name in OPTIONS) || !ALLOWED[command]!.includes(name)) {
      throw new UsageError(`fulcrum ${command}: unknown option ${token.rawName} (see fulcrum ${command} --help)`);
    }
    if (OPTIONS[name].type === 'string') {
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) throw new UsageError(`${token.rawName} needs a value`);
      if (values[name] !== undefined) throw new UsageError(`${token.rawName} is given twice`);
      values[name] = token.value;
    } else {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
      values[name] = true;
    }
  }
  return { values, positionals };
}

function adminUrl(value: string): URL {
  if (/^https?:\/\//i.test(value)) {
    try {
      return new URL(value);
    } catch {
      throw new UsageError(`--admin "${value}": not a valid URL`);
    }
  }
  const parsed = parseAddress(value);
  if (!parsed.ok) throw new UsageError(`--admin "${value}": ${parsed.reason}`);
  return new URL(`http://${value.trim()}`);
}

/** Parses `fulcrum <subcommand> …` (argv without node and script). */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Command {
  const all = argv[0] === '--' ? argv.slice(1) : [...argv];
  const [command = '', ...rest] = all;
  const { values, positionals } = parse(command, rest);
  if (values.help) return { command: 'help', text: COMMAND_USAGE };
  const dataDir = (values.data as string | undefined) ?? env.FULCRUM_DATA ?? DEFAULT_DATA_DIR;
  if (dataDir.trim() === '') throw new UsageError('--data needs a directory');
  const extra = (from: number) => {
    if (positionals.length > from) throw new UsageError(`unexpected argument "${positionals[from]}" (see fulcrum ${command} --help)`);
  };

  switch (command) {
    case 'export': {
      extra(0);
      const format = (values.format as string | undefined) ?? 'yaml';
      if (format !== 'yaml' && format !== 'json') throw new UsageError(`--format "${format}": one of yaml, json`);
      return { command, dataDir, format, withSecrets: values['with-secrets'] === true };
    }
    case 'import': {
      const file = positionals[0];
      if (file === undefined || file.trim() === '') throw new UsageError('fulcrum import needs a FILE (YAML or JSON)');
      extra(1);
      if (values.admin === undefined) return { command, dataDir, file };
      const adminToken = env.FULCRUM_ADMIN_TOKEN;
      if (!adminToken) throw new UsageError('--admin needs the token in FULCRUM_ADMIN_TOKEN');
      return { command, dataDir, file, admin: adminUrl(values.admin as string), adminToken };
    }
    case 'token': {
      const [action, name] = positionals;
      if (action === 'list') {
        extra(1);
        return { command: 'token-list', dataDir };
      }
      if (action !== 'create' && action !== 'revoke') throw new UsageError('fulcrum token: create NAME, revoke NAME or list');
      if (name === undefined || name.trim() === '') throw new UsageError(`fulcrum token ${action} needs a NAME`);
      extra(2);
      return { command: action === 'create' ? 'token-create' : 'token-revoke', dataDir, name };
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
