// `fulcrum reload [--data DIR]` and `fulcrum upgrade [--data DIR]`: signal the running fulcrum
// (its pid is in DIR/fulcrum.pid). reload = SIGHUP: new workers with the code on disk, the old ones
// drain (with the engine in-process, the same as upgrade). upgrade = SIGUSR2: a successor process
// with the code on disk takes the listening sockets over, the old one drains (docs/UPGRADE.md);
// the command waits until the pid file names the successor.
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { readRunningPid } from '../cli/pid-file.ts';
import { HANDOVER_START_TIMEOUT_MS } from '../handover/start-handover.ts';

const COMMANDS = {
  reload: {
    signal: 'SIGHUP',
    usage: `Usage: fulcrum reload [--data DIR]
  Starts new workers with the current code and configuration in the fulcrum running on DIR
  (env FULCRUM_DATA, default ./data), then drains the old ones. With the engine in the process
  (--workers 1), the same as fulcrum upgrade.
`,
  },
  upgrade: {
    signal: 'SIGUSR2',
    usage: `Usage: fulcrum upgrade [--data DIR]
  Hands the fulcrum running on DIR (env FULCRUM_DATA, default ./data) over to a new process
  running the code installed now: it takes over every listening socket, then the old process
  drains its connections and exits. Waits until the new process serves.
`,
  },
} as const;

type SignalCommand = keyof typeof COMMANDS;

function commandOf(argv: readonly string[]): SignalCommand | undefined {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  return args[0] === 'reload' || args[0] === 'upgrade' ? args[0] : undefined;
}

/** True if argv asks for `fulcrum reload` or `fulcrum upgrade` (a leading `--` is ignored). */
export function isSignalCommand(argv: readonly string[]): boolean {
  return commandOf(argv) !== undefined;
}

/** Polls the pid file for a pid other than `old` (the successor writes it before it reports serving). */
async function waitForSuccessor(dataDir: string, old: number, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const running = readRunningPid(dataDir);
    if ('pid' in running && running.pid !== old) return running.pid;
    await sleep(100);
  }
  return undefined;
}

/** Runs the command; resolves with the exit code (0 done, 1 nothing to signal or no hand-over, 2 usage). */
export async function runSignalCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const name = commandOf(argv) as SignalCommand;
  const { signal, usage } = COMMANDS[name];
  const args = (argv[0] === '--' ? argv.slice(1) : argv).slice(1);
  let dataDir: string;
  try {
    const { values } = parseArgs({ args: [...args], options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help === true) {
      process.stdout.write(usage);
      return 0;
    }
    dataDir = resolve(values.data ?? env.FULCRUM_DATA ?? './data');
  } catch {
    process.stderr.write(`fulcrum: usage: fulcrum ${name} [--data DIR]\n`);
    return 2;
  }
  const running = readRunningPid(dataDir);
  if ('error' in running) {
    process.stderr.write(`fulcrum: ${running.error}\n`);
    return 1;
  }
  try {
    process.kill(running.pid, signal);
  } catch (err) {
    process.stderr.write(`fulcrum: cannot signal pid ${running.pid}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    return 1;
  }
  if (name === 'reload') {
    process.stdout.write(`fulcrum: asked pid ${running.pid} to reload (${signal}); it logs the outcome\n`);
    return 0;
  }
  process.stdout.write(`fulcrum: asked pid ${running.pid} to hand over to a new process (${signal})\n`);
  const successor = await waitForSuccessor(dataDir, running.pid, HANDOVER_START_TIMEOUT_MS + 5_000);
  if (successor === undefined) {
    process.stderr.write(`fulcrum: pid ${running.pid} did not hand over; it keeps serving and its log says why\n`);
    return 1;
  }
  process.stdout.write(`fulcrum: pid ${successor} serves; pid ${running.pid} drains its connections and exits\n`);
  return 0;
}
