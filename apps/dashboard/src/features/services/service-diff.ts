// What a change will do, field by field, before it is sent: the running configuration against
// the change, nested settings flattened to paths (`healthCheck.intervalMs`), only what differs.
// Used by the service form (before Save) and by "Revert this change" on an audit event.

/** One changed setting: its path and both values as an operator reads them. */
export interface DiffRow {
  path: string;
  from: string;
  to: string;
}

/** Shows a setting's value: lists one per comma, off/empty spelled out, secrets never. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'off';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map((v) => formatValue(v)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Flattens plain objects into `prefix.key` paths; arrays and scalars are leaves. */
export function flatten(value: unknown, prefix: string, into: Map<string, unknown> = new Map()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, value);
  }
  return into;
}

// Write-only: the stored password is never known here, only that one is set.
const PASSWORD_PATH = 'healthCheck.password';

/**
 * The rows a patch changes on `running`: each key of `patch` (nested objects key by key, a
 * nested object replacing null or null replacing one compared as a whole path set) whose value
 * differs. `version` is not a setting. Empty when the patch changes nothing.
 */
export function serviceDiff(running: object, patch: object): DiffRow[] {
  const rows: DiffRow[] = [];
  const before = running as Record<string, unknown>;
  for (const [key, next] of Object.entries(patch)) {
    if (key === 'version' || next === undefined) continue;
    const old = before[key];
    const partial = key === 'healthCheck' || key === 'strategyOptions';
    const oldFlat = flatten(old, key);
    const newFlat = flatten(next, key);
    const paths = partial ? [...newFlat.keys()] : [...new Set([...oldFlat.keys(), ...newFlat.keys()])];
    for (const path of paths) {
      if (path === PASSWORD_PATH) {
        const wasSet = Boolean((old as { passwordSet?: boolean } | undefined)?.passwordSet);
        rows.push({ path, from: wasSet ? 'set' : 'none', to: newFlat.get(path) === '' ? 'none' : wasSet ? 'changed' : 'set' });
        continue;
      }
      const from = oldFlat.has(path) ? oldFlat.get(path) : undefined;
      const to = newFlat.has(path) ? newFlat.get(path) : undefined;
      // null (off) on one side stands for every path of the other: no row of its own.
      if (from == null && to == null) continue;
      if (JSON.stringify(from) !== JSON.stringify(to)) rows.push({ path, from: formatValue(from), to: formatValue(to) });
    }
  }
  return rows;
}
