// Signals of the running `fulcrum` process (docs/WORKERS.md, "Signals"):
//   SIGTERM / SIGINT  graceful shutdown: stop accepting, let established connections finish for
//                     at most --shutdown-timeout, end the rest with FIN, exit 0.
//   the same again    exit 1 at once (workers are killed first).
//   SIGHUP            zero-downtime reload (new workers, then the old ones drain: until their
//                     connections end, or for at most --reload-drain-limit); with the
//                     in-process engine there is nothing to reload and it only says so.
// It also keeps DATA/fulcrum.pid for `fulcrum reload` and service managers.
import type { ClusterEngine } from '../cluster/cluster-engine.ts';
import { removePidFile, writePidFile } from './pid-file.ts';

export interface Lifecycle {
  dataDir: string;
  shutdownTimeoutMs: number;
  /** --reload-drain-limit: how long the previous workers drain after a reload; undefined = no limit. */
  reloadDrainLimitMs: number | undefined;
  cluster: ClusterEngine | undefined;
  /** Graceful stop of admin, engine and store. */
  close(): Promise<void>;
  /** Immediate stop of the data plane (kills workers). */
  terminate(): void;
  say(line: string): void;
  complain(line: string): void;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** Installs the signal handlers and the pid file. */
export function installLifecycle(life: Lifecycle): void {
  let pidFile: string | undefined;
  try {
    pidFile = writePidFile(life.dataDir);
  } catch (err) {
    life.complain(`warning: cannot write the pid file: ${(err as Error).message}`);
  }
  process.once('exit', () => {
    if (pidFile !== undefined) removePidFile(pidFile);
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      life.complain(`${signal} again: exiting without waiting for connections to drain`);
      life.terminate();
      process.exit(1);
    }
    stopping = true;
    life.say(`${signal}: shutting down (established connections get up to ${seconds(life.shutdownTimeoutMs)} to finish)`);
    life.close().then(
      () => {
        life.say('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        life.complain(`error while shutting down: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  process.on('SIGHUP', () => {
    if (stopping) return;
    const cluster = life.cluster;
    if (cluster === undefined) {
      life.say('SIGHUP: nothing to reload: the engine runs in this process (reload needs --workers 2 or more; restart to run new code)');
      return;
    }
    life.say('SIGHUP: reloading: starting a new generation of workers');
    cluster.reload().then(
      (r) => {
        const limit = life.reloadDrainLimitMs === undefined ? 'until their connections end (no --reload-drain-limit)' : `for up to ${seconds(life.reloadDrainLimitMs)}`;
        const old = r.stopping.length > 0 ? `; previous workers (pids ${r.stopping.join(', ')}) drain ${limit}` : '';
        life.say(`reload done: generation ${r.generation} (pids ${r.started.join(', ')}) serves${old}`);
      },
      (err: unknown) => {
        life.complain(`reload failed, the running workers keep serving: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  });
}
