// Signals of the running `fulcrum` process (docs/WORKERS.md, "Signals"):
//   SIGTERM / SIGINT  graceful shutdown: stop accepting, let established connections finish for
//                     at most --shutdown-timeout, end the rest with FIN, exit 0.
//   the same again    exit 1 at once (workers are killed first).
//   SIGHUP            zero-downtime reload: new workers, then the old ones drain (until their
//                     connections end, or for at most --reload-drain-limit); with the engine in
//                     this process, the same as SIGUSR2.
//   SIGUSR2           hand-over (`fulcrum upgrade`): a successor process running the code on
//                     disk takes the listening sockets, this one drains and exits (docs/UPGRADE.md).
// It also keeps DATA/fulcrum.pid for `fulcrum reload` / `fulcrum upgrade` and service managers.
import type { ClusterEngine } from '../cluster/cluster-engine.ts';
import { startHandover } from '../handover/start-handover.ts';
import type { Predecessor } from '../handover/start-handover.ts';
import { removePidFile, writePidFile } from './pid-file.ts';

export interface Lifecycle {
  dataDir: string;
  shutdownTimeoutMs: number;
  /** --reload-drain-limit: how long the previous workers drain after a reload; undefined = no limit. */
  reloadDrainLimitMs: number | undefined;
  cluster: ClusterEngine | undefined;
  /** How the running server hands over to a successor (after which it drains for reloadDrainLimitMs). */
  predecessor: Predecessor;
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
  /** idle → handing-over → retiring (the successor serves; this process only drains). */
  let handover: 'idle' | 'handing-over' | 'retiring' = 'idle';
  const abandon = new AbortController();
  const stop = (signal: NodeJS.Signals): void => {
    if (handover === 'retiring' && !stopping) {
      // Exits through the retirement (exit 0) once the sooner deadline has passed.
      stopping = true;
      life.say(`${signal}: the connections still draining after the hand-over get up to ${seconds(life.shutdownTimeoutMs)} to finish`);
      life.predecessor.hurry(life.shutdownTimeoutMs);
      return;
    }
    if (stopping) {
      life.complain(`${signal} again: exiting without waiting for connections to drain`);
      life.terminate();
      process.exit(1);
    }
    stopping = true;
    abandon.abort(); // a successor still starting is stopped: shutting down means no successor
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

  const handOver = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    if (handover !== 'idle') {
      life.say(`${signal}: a hand-over is already ${handover === 'retiring' ? 'done; this process is draining' : 'under way'}`);
      return;
    }
    handover = 'handing-over';
    const limit = life.reloadDrainLimitMs === undefined ? 'until they end by themselves' : `for up to ${seconds(life.reloadDrainLimitMs)}`;
    life.say(`${signal}: handing over to a successor process running the code on disk (changes wait until it serves)`);
    startHandover(life.predecessor, { say: life.say, signal: abandon.signal }).then(
      ({ pid, retired }) => {
        handover = 'retiring';
        if (pidFile !== undefined) removePidFile(pidFile); // the successor's now (removes only ours)
        life.say(`hand-over done: pid ${pid} serves; this process (pid ${process.pid}) stopped accepting, its established connections run ${limit}`);
        retired.then(
          () => {
            life.say(`retired: pid ${process.pid} exits`);
            process.exit(0);
          },
          (err: unknown) => {
            life.complain(`error while retiring: ${err instanceof Error ? err.message : String(err)}`);
            process.exit(1);
          },
        );
      },
      (err: unknown) => {
        handover = 'idle';
        if (stopping) {
          life.say(`hand-over abandoned: ${err instanceof Error ? err.message : String(err)}`);
          return;
        }
        try {
          pidFile = writePidFile(life.dataDir); // in case the successor wrote its own before failing
        } catch {
          // the warning at start said so already
        }
        life.complain(`hand-over failed, this process keeps serving and takes changes again: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  };
  process.on('SIGUSR2', () => handOver('SIGUSR2'));

  process.on('SIGHUP', () => {
    if (stopping) return;
    const cluster = life.cluster;
    if (cluster === undefined) {
      handOver('SIGHUP');
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
