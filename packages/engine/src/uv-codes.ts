// The libuv error codes the engine compares statuses against, from node:util's public
// getSystemErrorMap() (negative libuv numbers → [name, text]), so both relays have them: the
// native relay's statuses and a net.Socket error's `errno` are the same numbers. A code this
// Node does not list stays NaN and so never matches (and the native check reports it).
import { getSystemErrorMap } from 'node:util';

const byName = new Map<string, number>();
for (const [status, [name]] of getSystemErrorMap()) byName.set(name, status);

const code = (name: string): number => byName.get(name) ?? Number.NaN;

/** A read's status when the peer sent FIN. */
export const UV_EOF = code('EOF');
export const UV_ECONNREFUSED = code('ECONNREFUSED');
export const UV_ECONNRESET = code('ECONNRESET');
export const UV_ETIMEDOUT = code('ETIMEDOUT');
export const UV_EMFILE = code('EMFILE');
export const UV_ENFILE = code('ENFILE');
export const UV_ENOBUFS = code('ENOBUFS');
export const UV_ENOMEM = code('ENOMEM');
export const UV_EADDRNOTAVAIL = code('EADDRNOTAVAIL');

/** Each code above by name, for the load-time check. */
export const UV_CODES: Readonly<Record<string, number>> = {
  UV_EOF, UV_ECONNREFUSED, UV_ECONNRESET, UV_ETIMEDOUT, UV_EMFILE, UV_ENFILE, UV_ENOBUFS, UV_ENOMEM, UV_EADDRNOTAVAIL,
};
