// `fulcrum export`, `fulcrum import` and `fulcrum token`: work on a data directory directly (no
// server needed), or — import with --admin — through a running admin's API.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidConfigError, validateConfig } from '@fulcrum/engine';
import type { ApiErrorBody, WithWarnings } from '@fulcrum/shared/api';
import { ApiError } from '../http/api-error.ts';
import { createToken, revokeToken } from '../auth/token-changes.ts';
import { UsageError } from '../cli/cli-args.ts';
import type { ChangeContext } from '../config/config-service.ts';
import { renderConfig, toConfigDocument, withHealthCheckPasswords } from '../config/config-document.ts';
import { replaceConfig } from '../config/replace-config.ts';
import type { ReplaceSummary } from '../config/replace-config.ts';
import { toEngineConfig } from '../config/to-engine-config.ts';
import { DataDirLockedError, lockDataDir } from '../store/data-dir-lock.ts';
import { loadConfigFile, formatOfFile } from '../cli/start-files.ts';
import { DB_FILE, openStore } from '../store/store.ts';
import type { Store } from '../store/store.ts';
import { isClusterCopy } from '../store/replica.ts';
import { parseCommand } from './command-args.ts';
import type { Command } from './command-args.ts';

/** The actor recorded for changes made by these commands. */
export const CLI_ACTOR = 'cli';

/** A failure with a one-line message and an exit code. */
class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const out = (text: string): void => {
  process.stdout.write(text);
};
const say = (line: string): void => {
  process.stderr.write(`fulcrum: ${line}\n`);
};

function existingStore(dataDir: string): Store {
  const dir = resolve(dataDir);
  if (!existsSync(join(dir, DB_FILE))) throw new CommandError(`no fulcrum data in ${dir} (no ${DB_FILE}); see --data`, 1);
  return openStore(dir);
}

/** Runs `write` in one transaction with audit rows by the `cli` actor. */
function inTransaction<T>(store: Store, write: (ctx: ChangeContext) => T): T {
  if (isClusterCopy(store.db)) {
    throw new CommandError(
      `${store.dataDir} is the local copy of a cluster node: a change written here would be overwritten by the shared store; make it through a running node's API (fulcrum import FILE --admin HOST:PORT, or the console)`,
      2,
    );
  }
  const time = new Date();
  const run = store.db.transaction(() =>
    write({ store, audit: (entry) => void store.events.insert({ ...entry, actor: CLI_ACTOR, time }) }),
  );
  return run.immediate();
}

function describe(summary: Pick<ReplaceSummary, 'created' | 'updated' | 'deleted' | 'unchanged'> | Record<string, number>): string {
  const n = (k: 'created' | 'updated' | 'deleted' | 'unchanged') => {
    const v = (summary as Record<string, unknown>)[k];
    return Array.isArray(v) ? v.length : Number(v ?? 0);
  };
  const created = n('created');
  return `${created} service${created === 1 ? '' : 's'} created, ${n('updated')} updated, ${n('deleted')} deleted, ${n('unchanged')} unchanged`;
}

function runExport(cmd: Extract<Command, { command: 'export' }>): void {
  const store = existingStore(cmd.dataDir);
  try {
    const doc = toConfigDocument(store.readServices());
    out(renderConfig(cmd.withSecrets ? withHealthCheckPasswords(doc, store.services.list()) : doc, cmd.format));
  } finally {
    store.close();
  }
}

function importLocally(cmd: Extract<Command, { command: 'import' }>): void {
  const { doc } = loadConfigFile(cmd.file, 'import');
  const dir = resolve(cmd.dataDir);
  mkdirSync(dir, { recursive: true });
  let lock;
  try {
    lock = lockDataDir(dir, 'import');
  } catch (err) {
    if (!(err instanceof DataDirLockedError)) throw err;
    const through = err.info.url ? `fulcrum import ${cmd.file} --admin ${err.info.url}` : `fulcrum import ${cmd.file} --admin HOST:PORT`;
    throw new CommandError(`${err.message}; import through it instead: ${through} (with FULCRUM_ADMIN_TOKEN), or PUT /api/config`, 1);
  }
  const store = openStore(dir);
  try {
    const summary = inTransaction(store, (ctx) => {
      const result = replaceConfig(ctx, doc);
      // The engine is not running here: at least make sure it will accept the result.
      validateConfig(toEngineConfig(store.readRecords()));
      return result;
    });
    say(`imported ${cmd.file} into ${dir}: ${describe(summary)}; the next start runs it`);
  } catch (err) {
    if (err instanceof ApiError || err instanceof InvalidConfigError) throw new CommandError(`import ${cmd.file}: ${err.message}`, 2);
    throw err;
  } finally {
    store.close();
    lock.release();
  }
}

async function importThroughAdmin(cmd: Extract<Command, { command: 'import' }> & { admin: URL }): Promise<void> {
  const { text } = loadConfigFile(cmd.file, 'import'); // checked here first: exit 2 for a bad file
  const url = new URL('/api/config', cmd.admin);
  const json = formatOfFile(cmd.file) === 'json' || (formatOfFile(cmd.file) === undefined && /^\s*[{[]/.test(text));
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${cmd.adminToken}`,
        'content-type': json ? 'application/json' : 'application/yaml',
        accept: 'application/json',
      },
      body: text,
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const hint = url.protocol === 'https:' ? ' (a self-signed certificate needs NODE_EXTRA_CA_CERTS=cert.pem)' : '';
    throw new CommandError(`cannot reach the admin at ${url.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}${hint}`, 1);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as ApiErrorBody | undefined;
    throw new CommandError(`the admin at ${url.origin} refused the configuration: ${body?.message ?? `HTTP ${res.status}`}`, res.status === 400 || res.status === 409 ? 2 : 1);
  }
  const counts = Object.fromEntries(
    (res.headers.get('x-fulcrum-changes') ?? '').split(' ').filter(Boolean).map((kv) => {
      const [k, v] = kv.split('=');
      return [k ?? '', Number(v)];
    }),
  );
  say(`imported ${cmd.file} through ${url.origin}: ${describe(counts)}; live now`);
  const answer = (await res.json().catch(() => undefined)) as WithWarnings | undefined;
  for (const warning of answer?.warnings ?? []) say(`warning: ${warning.message}`);
}

function runToken(cmd: Extract<Command, { command: 'token-create' | 'token-revoke' | 'token-list' }>): void {
  const store = existingStore(cmd.dataDir);
  try {
    if (cmd.command === 'token-list') {
      for (const t of store.tokens.listActive()) out(`${t.id}\t${t.name}\t${t.createdAt}\n`);
      return;
    }
    const name = cmd.name;
    if (cmd.command === 'token-create') {
      const created = inTransaction(store, (ctx) => createToken(ctx, name));
      out(`${created.token}\n`);
      say(`token "${name}" created; it is shown only this once (use it as Authorization: Bearer <token>)`);
      return;
    }
    const record = store.tokens.getByName(name);
    if (!record || record.revokedAt !== null) throw new CommandError(`no active token named "${name}"`, 1);
    inTransaction(store, (ctx) => revokeToken(ctx, record.id));
    say(`token "${name}" revoked; its sessions end at their next request`);
  } catch (err) {
    if (err instanceof ApiError) throw new CommandError(err.message, err.statusCode === 400 ? 2 : 1);
    throw err;
  } finally {
    store.close();
  }
}

/** Runs a subcommand; resolves with the process exit code. */
export async function runSubcommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  try {
    const cmd = parseCommand(argv, env);
    switch (cmd.command) {
      case 'help':
        out(cmd.text);
        break;
      case 'export':
        runExport(cmd);
        break;
      case 'import':
        if (cmd.admin) await importThroughAdmin({ ...cmd, admin: cmd.admin });
        else importLocally(cmd);
        break;
      default:
        runToken(cmd);
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      say(err.message);
      return 2;
    }
    if (err instanceof CommandError) {
      say(err.message);
      return err.exitCode;
    }
    say(err instanceof Error ? err.message : String(err));
    return 1;
  }
}
