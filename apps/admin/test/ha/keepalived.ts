// keepalived from deploy/ in a lab namespace: the shipped keepalived.conf and check-fulcrum.sh,
// with nothing changed but the @PLACEHOLDERS@, run in the foreground with pid files of its own
// so two instances share one machine.
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnIn, type NsProcess } from './ns-process.ts';

const DEPLOY = fileURLToPath(new URL('../../../../deploy/keepalived/', import.meta.url));

/** Values for the placeholders of deploy/keepalived/keepalived.conf. */
export interface KeepalivedVars {
  NODE_NAME: string;
  INTERFACE: string;
  /** address/prefix, e.g. 10.77.3.100/24 */
  VIP: string;
  ROUTER_ID: number;
  PRIORITY: number;
  CHECK_SCRIPT: string;
  ADMIN_URL: string;
}

/** deploy/keepalived/keepalived.conf with every @NAME@ replaced; throws on a placeholder left over. */
export function renderKeepalivedConf(vars: KeepalivedVars): string {
  const text = readFileSync(join(DEPLOY, 'keepalived.conf'), 'utf8');
  const values = vars as unknown as Record<string, string | number>;
  const rendered = text.replace(/@([A-Z_]+)@/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
  // Only lines keepalived reads count: the header comment names the placeholders on purpose.
  const leftover = rendered.split('\n').find((line) => !line.trimStart().startsWith('#') && /@[A-Z_]+@/.test(line));
  if (leftover !== undefined) throw new Error(`keepalived.conf placeholder without a value: ${leftover.trim()}`);
  return rendered;
}

/**
 * Copies check-fulcrum.sh into `dir` (root-owned, not writable by others, as keepalived's
 * enable_script_security demands, and readable by the `nobody` user the check runs as).
 */
export function installCheckScript(dir: string): string {
  chmodSync(dir, 0o755);
  const script = join(dir, 'check-fulcrum.sh');
  copyFileSync(join(DEPLOY, 'check-fulcrum.sh'), script);
  chmodSync(script, 0o755);
  return script;
}

/** A keepalived in the foreground, logging to its stdout. */
export interface Keepalived {
  readonly process: NsProcess;
  /** The state this instance last said it entered, or null before the first. */
  state(): 'MASTER' | 'BACKUP' | 'FAULT' | null;
  /** Resolves once this instance logs that it entered `state` (after `since`, a `process.mark()`). */
  waitState(state: 'MASTER' | 'BACKUP' | 'FAULT', timeoutMs: number, since?: number): Promise<void>;
}

/** Writes the rendered configuration to `dir` and starts keepalived (VRRP only) in `ns`. */
export function startKeepalived(ns: string, dir: string, vars: KeepalivedVars): Keepalived {
  const conf = join(dir, `keepalived-${vars.NODE_NAME}.conf`);
  writeFileSync(conf, renderKeepalivedConf(vars));
  const args = ['-n', '-l', '-D', '-P', '-f', conf, '-p', join(dir, `keepalived-${vars.NODE_NAME}.pid`), '-r', join(dir, `vrrp-${vars.NODE_NAME}.pid`)];
  const proc = spawnIn(ns, `keepalived ${vars.NODE_NAME}`, 'keepalived', args);
  return {
    process: proc,
    state() {
      const entered = [...proc.output().matchAll(/Entering (MASTER|BACKUP|FAULT) STATE/g)];
      return (entered.at(-1)?.[1] as 'MASTER' | 'BACKUP' | 'FAULT' | undefined) ?? null;
    },
    async waitState(state, timeoutMs, since = 0) {
      await proc.waitFor(new RegExp(`Entering ${state} STATE`), timeoutMs, since);
    },
  };
}
