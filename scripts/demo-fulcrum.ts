// Runs the real `fulcrum` command from source as a child process and waits until its admin
// console answers.
import { createInterface } from 'node:readline';
import { formatAddress } from '../packages/shared/src/address.ts';
import type { HostPort } from '../packages/shared/src/address.ts';
import { spawnTracked, stopChild } from './demo-children.ts';
import type { TrackedChild } from './demo-children.ts';

/** Fulcrum exited or stayed silent before its admin console was up. */
export class FulcrumStartError extends Error {
  readonly code = 'DEMO_FULCRUM_START';
  constructor(message: string) {
    super(message);
    this.name = 'FulcrumStartError';
  }
}

export interface FulcrumProcess {
  process: TrackedChild;
  /** Admin console, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  /** SIGTERM (Fulcrum drains up to 10 s), SIGKILL if it takes longer than 15 s. */
  stop(): Promise<void>;
}

// Banner lines that would mislead here: the demo creates the service and prints its own link.
const HIDDEN = /^fulcrum: (no services yet|login token:|login link)/;

/** Starts `node --import tsx apps/admin/src/cli.ts --admin … --data …` with the admin token set. */
export async function startFulcrum(opts: {
  repoRoot: string;
  admin: HostPort;
  dataDir: string;
  token: string;
  /** Receives each line Fulcrum prints (stdout and stderr) that is worth showing. */
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}): Promise<FulcrumProcess> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('FULCRUM_')));
  const admin = formatAddress(opts.admin.host, opts.admin.port);
  const args = ['--import', 'tsx', 'apps/admin/src/cli.ts', '--admin', admin, '--data', opts.dataDir];
  const child = await spawnTracked('fulcrum', process.execPath, args, {
    cwd: opts.repoRoot,
    env: { ...env, FULCRUM_ADMIN_TOKEN: opts.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  // 'close' comes after the last output line: wait for it so Fulcrum's goodbye is printed.
  const closed = new Promise<void>((resolve) => child.child.once('close', () => resolve()));
  let resolveUrl: (url: string) => void = () => {};
  const ready = new Promise<string>((resolve) => (resolveUrl = resolve));
  createInterface({ input: child.child.stdout! }).on('line', (line) => {
    const match = /^fulcrum: dashboard (\S+)/.exec(line);
    if (match) resolveUrl(match[1]!);
    if (!HIDDEN.test(line)) opts.onLine(line, 'stdout');
  });
  createInterface({ input: child.child.stderr! }).on('line', (line) => opts.onLine(line, 'stderr'));

  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then((url) => ({ url })),
    child.exited.then(({ code }) => ({ exited: code })),
    new Promise<{ timeout: true }>((resolve) => (timer = setTimeout(() => resolve({ timeout: true }), 60_000))),
  ]);
  clearTimeout(timer);
  if (!('url' in outcome)) {
    await stopChild(child, 'SIGKILL');
    const why = 'exited' in outcome ? `exited with code ${outcome.exited} (its message is above)` : 'did not start within 60 s';
    throw new FulcrumStartError(`fulcrum ${why}`);
  }
  return {
    process: child,
    url: outcome.url,
    async stop() {
      await stopChild(child, 'SIGTERM', 15_000);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    },
  };
}
