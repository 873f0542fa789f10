// The admin process's own start and graceful stop in the event log (kinds admin-started and
// admin-stopped, actor `system`). A process killed with SIGKILL records no stop: the log then shows
// a start with no stop before it, which is what happened. On a hand-over (`fulcrum upgrade`) the
// successor records one admin-started naming the pid it took over from; the retiring process
// records nothing, since the successor owns the store by then.
import type { NewEvent } from './events-repo.ts';
import type { LifecycleEventKind } from '@fulcrum/shared/event-kinds';

/** The actor of lifecycle events: neither an operator nor the engine. */
export const SYSTEM_ACTOR = 'system';

type LifecycleEvent = NewEvent & { kind: LifecycleEventKind };

/** The event a started admin records once it answers on its port. */
export function adminStartedEvent(opts: { pid: number; node: string; url: string; takeoverFrom?: number | undefined }): LifecycleEvent {
  const base = `admin started (pid ${opts.pid}) on ${opts.url}`;
  return {
    kind: 'admin-started',
    actor: SYSTEM_ACTOR,
    message: opts.takeoverFrom === undefined ? base : `${base}, taking over from pid ${opts.takeoverFrom} (upgrade)`,
    details: { pid: opts.pid, node: opts.node, url: opts.url, ...(opts.takeoverFrom === undefined ? {} : { takeoverFrom: opts.takeoverFrom }) },
  };
}

/** The event a gracefully stopping admin records, after its connections drained and before the store closes. */
export function adminStoppedEvent(opts: { pid: number; node: string; uptimeMs: number }): LifecycleEvent {
  return {
    kind: 'admin-stopped',
    actor: SYSTEM_ACTOR,
    message: `admin stopped (pid ${opts.pid}) after ${Math.round(opts.uptimeMs / 1000)} s`,
    details: { pid: opts.pid, node: opts.node, uptimeMs: opts.uptimeMs },
  };
}
