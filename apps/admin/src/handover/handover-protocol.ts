// What passes from a running fulcrum to the process that takes over from it (docs/UPGRADE.md):
// the listening sockets as inherited file descriptors, described in one environment variable,
// and one IPC message back once the new process serves.
import { formatAddress } from '@fulcrum/shared/address';

/** The environment variable that makes a starting fulcrum the successor of a running one. */
export const HANDOVER_ENV = 'FULCRUM_HANDOVER';

/** A listening socket the successor inherits: its file descriptor there, and what it listens on. */
export interface InheritedSocket {
  host: string;
  port: number;
  fd: number;
}

/** The successor's instructions. */
export interface HandoverSpec {
  /** The pid of the process handing over (it holds the data directory's lock until then). */
  from: number;
  /** The admin console's listening socket. */
  admin: InheritedSocket | undefined;
  /** Every service's listening socket. */
  listeners: InheritedSocket[];
}

/** Successor → predecessor, over the IPC channel, once it accepts on every socket and the admin answers. */
export interface ServingMessage {
  fulcrumHandover: 'serving';
  pid: number;
}

/** true if `m` is the successor's "serving" message. */
export function isServingMessage(m: unknown): m is ServingMessage {
  return typeof m === 'object' && m !== null && (m as ServingMessage).fulcrumHandover === 'serving' && Number.isInteger((m as ServingMessage).pid);
}

function isSocket(s: unknown): s is InheritedSocket {
  const o = s as InheritedSocket;
  return typeof o === 'object' && o !== null && typeof o.host === 'string' && Number.isInteger(o.port) && Number.isInteger(o.fd) && o.fd > 2;
}

/** Reads the hand-over instructions from `env`; undefined when this is an ordinary start. */
export function readHandoverSpec(env: NodeJS.ProcessEnv): HandoverSpec | undefined {
  const text = env[HANDOVER_ENV];
  if (text === undefined || text === '') return undefined;
  let spec: Partial<HandoverSpec>;
  try {
    spec = JSON.parse(text) as Partial<HandoverSpec>;
  } catch {
    throw new Error(`${HANDOVER_ENV} is not JSON (it is set by a running fulcrum for the process that takes over from it)`);
  }
  if (!Number.isInteger(spec.from) || (spec.admin !== undefined && !isSocket(spec.admin)) || !Array.isArray(spec.listeners) || !spec.listeners.every(isSocket)) {
    throw new Error(`${HANDOVER_ENV} does not describe a hand-over`);
  }
  return { from: spec.from as number, admin: spec.admin, listeners: spec.listeners };
}

/**
 * The in-process engine's `inheritedListener` for inherited sockets: each inherited socket is used once, by the first
 * listener on its address (the engine closes a socket it stops using, so it cannot come back).
 */
export function inheritedListenerLookup(sockets: readonly InheritedSocket[] | undefined): ((host: string, port: number) => number | undefined) | undefined {
  if (sockets === undefined || sockets.length === 0) return undefined;
  const byAddress = new Map(sockets.map((l) => [formatAddress(l.host, l.port), l.fd]));
  return (host, port) => {
    const key = formatAddress(host, port);
    const fd = byAddress.get(key);
    byAddress.delete(key);
    return fd;
  };
}
