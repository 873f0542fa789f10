// "Revert this change" on an audit event: the inverse change as a PATCH of the normal API.
// Revertible: `service-updated` (service settings) and `backend-updated` (weight, state, backup,
// max connections, agent check, address). A revert applies only while every field it puts back
// still has the value the event left; it is then sent with If-Match of the current version.
import type { BackendDto, EventDto, ServiceDto } from '@fulcrum/shared/api';
import { flatten, formatValue, type DiffRow } from '../services/service-diff.ts';

/** The kinds "Revert this change" is offered on. */
export const REVERTIBLE_KINDS = ['service-updated', 'backend-updated'] as const;

/** One recorded change of a field (`details.changes` of an audit event). */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

/** The inverse of an event, before it is checked against what runs now. */
export type RevertPlan =
  | {
      ok: true;
      serviceId: number;
      /** Set for a backend change: the PATCH goes to the backend. */
      backendId: number | null;
      /** The recorded changes, by path (`retries`, `healthCheck.intervalMs`). */
      changes: Record<string, FieldChange>;
      /** The fields back at their values before the change. */
      patch: Record<string, unknown>;
    }
  | { ok: false; reason: string };

function isChange(value: unknown): value is FieldChange {
  return typeof value === 'object' && value !== null && 'from' in value && 'to' in value;
}

// Nested settings are recorded as flat paths (`healthCheck.intervalMs`); the API takes objects.
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) {
    target[head!] = value;
    return;
  }
  const inner = (target[head!] ??= {}) as Record<string, unknown>;
  setPath(inner, rest.join('.'), value);
}

function getPath(source: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), source);
}

/** JSON with sorted keys: the same setting compares equal whatever order its keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** The revert of `event`; null when its kind is never revertible (only audit updates are). */
export function revertPlan(event: Pick<EventDto, 'kind' | 'serviceId' | 'backendId' | 'details'>): RevertPlan | null {
  if (!(REVERTIBLE_KINDS as readonly string[]).includes(event.kind)) return null;
  const { changes, backends } = event.details as { changes?: unknown; backends?: unknown };
  if (event.serviceId == null || (event.kind === 'backend-updated' && event.backendId == null)) return { ok: false, reason: 'The event names no service or backend.' };
  if (backends !== undefined) return { ok: false, reason: 'This change also replaced the backend list; revert it through the configuration file.' };
  if (typeof changes !== 'object' || changes === null || Object.keys(changes).length === 0) return { ok: false, reason: 'The event records no change of a setting.' };
  const patch: Record<string, unknown> = {};
  const recorded: Record<string, FieldChange> = {};
  for (const [path, change] of Object.entries(changes)) {
    if (!isChange(change)) return { ok: false, reason: `The event does not record ${path}'s previous value.` };
    // The password is write-only: the event says only "set"/"changed", never the value.
    if (path === 'healthCheck.password') return { ok: false, reason: 'The health-check password changed; its old value is not kept, so this change cannot be reverted.' };
    setPath(patch, path, change.from);
    recorded[path] = change;
  }
  return { ok: true, serviceId: event.serviceId, backendId: event.kind === 'backend-updated' ? event.backendId : null, changes: recorded, patch };
}

/** A revert checked against the running configuration: what it changes and the If-Match version, or why it must not apply. */
export type RevertCheck = { ok: true; rows: DiffRow[]; version: number } | { ok: false; reason: string };

function rowsOf(path: string, now: unknown, back: unknown): DiffRow[] {
  const nowFlat = flatten(now, path);
  const backFlat = flatten(back, path);
  const rows: DiffRow[] = [];
  for (const p of new Set([...nowFlat.keys(), ...backFlat.keys()])) {
    const from = nowFlat.get(p);
    const to = backFlat.get(p);
    if (from == null && to == null) continue;
    if (canonical(from) !== canonical(to)) rows.push({ path: p, from: formatValue(from), to: formatValue(to) });
  }
  return rows;
}

/**
 * Checks a revert against `current` (the service as the API gives it now; undefined: gone).
 * Refused when the service or backend no longer exists, or when any field it would put back was
 * changed again after the event: a revert never overwrites a newer change.
 */
export function checkRevert(plan: Extract<RevertPlan, { ok: true }>, current: ServiceDto | undefined): RevertCheck {
  if (!current) return { ok: false, reason: 'The service no longer exists.' };
  let target: ServiceDto | BackendDto = current;
  if (plan.backendId !== null) {
    const backend = current.backends.find((b) => b.id === plan.backendId);
    if (!backend) return { ok: false, reason: `That backend is no longer part of ${current.name}.` };
    target = backend;
  }
  const moved = Object.entries(plan.changes).filter(([path, change]) => canonical(getPath(target, path)) !== canonical(change.to));
  if (moved.length > 0) {
    const what = moved.map(([path, change]) => `${path} is ${formatValue(getPath(target, path))} now (this change set ${formatValue(change.to)})`).join('; ');
    return { ok: false, reason: `Changed again after this event: ${what}. Reverting would overwrite the newer change, so nothing is applied.` };
  }
  const rows = Object.entries(plan.changes).flatMap(([path, change]) => rowsOf(path, change.to, change.from));
  if (rows.length === 0) return { ok: false, reason: 'Nothing to put back: the event records no difference.' };
  return { ok: true, rows, version: current.version };
}
