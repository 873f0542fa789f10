// `fulcrum reload [--data DIR]`: asks the running primary for a zero-downtime reload by sending
// it SIGHUP (its pid is in DIR/fulcrum.pid). The reload itself is logged by that process.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readRunningPid } from '../cli/pid-file.ts';

const USAGE = `Usage: fulcrum reload [--data DIR]
  Starts new workers with the current code and configuration in the fulcrum running on DIR
  (env FULCRUM_DATA, default ./data), then drains the old ones. Needs --workers 2 or more.
`;

/** True if argv asks for `fulcrum reload` (a leading `--` is ignored, as for the server). */
export function isReloadCommand(argv: readonly string[]): boolean {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  return args[0] === 'reload';
}

/** Runs the command; resolves with the exit code (0 sent, 1 nothing to signal, 2 usage). */
export function runReloadCommand(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const args = (argv[0] === '--' ? argv.slice(1) : argv).slice(1);
  let dataDir: string;
  try {
    const { values } = parseArgs({ args: [...args], options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help === true) {
      process.stdout.write(USAGE);
      return 0;
    }
    dataDir = resolve(values.data ?? env.FULCRUM_DATA ?? './data');
  } catch {
    process.stderr.write('fulcrum: usage: fulcrum reload [--data DIR]\n');
    return 2;
  }
  const running = readRunningPid(dataDir);
  if ('error' in running) {
    process.stderr.write(`fulcrum: ${running.error}\n`);
    return 1;
  }
  try {
    process.kill(running.pid, 'SIGHUP');
  } catch (err) {
    process.stderr.write(`fulcrum: cannot signal pid ${running.pid}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
    return 1;
  }
  process.stdout.write(`fulcrum: asked pid ${running.pid} to reload (SIGHUP); it logs the outcome\n`);
  return 0;
}
