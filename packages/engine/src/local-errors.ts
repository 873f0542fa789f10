// This process running out of something — descriptors, buffers, memory, local ports — while
// opening a backend connection. Not the backend's fault: never a passive failure; the client is
// refused and the operator told (service-error), with what to do about it.
import { getSystemErrorMap } from 'node:util';
import { UV_EADDRNOTAVAIL, UV_EMFILE, UV_ENFILE, UV_ENOBUFS, UV_ENOMEM } from './uv-codes.ts';

/** A connect attempt that failed on our side, named by its errno. */
export type LocalFailure = 'local EMFILE' | 'local ENFILE' | 'local ENOBUFS' | 'local ENOMEM' | 'local EADDRNOTAVAIL';

/** The LocalFailure for a libuv status, or null when the failure is not ours. */
export function localFailure(status: number): LocalFailure | null {
  return status === UV_EMFILE ? 'local EMFILE'
    : status === UV_ENFILE ? 'local ENFILE'
      : status === UV_ENOBUFS ? 'local ENOBUFS'
        : status === UV_ENOMEM ? 'local ENOMEM'
          : status === UV_EADDRNOTAVAIL ? 'local EADDRNOTAVAIL' : null;
}

/** The errno name of a local failure (`EMFILE`), or null for any other failure reason. */
export function localErrno(failure: string): string | null {
  return failure.startsWith('local ') ? failure.slice('local '.length) : null;
}

/** `too many open files (EMFILE); raise the open-file limit …` for an errno name or libuv status. */
export function describeErrno(errno: number | string): string {
  let text = String(errno);
  let name = String(errno);
  for (const [status, [n, t]] of getSystemErrorMap()) {
    if (status === errno || n === errno) {
      text = t;
      name = n;
      break;
    }
  }
  return `${text} (${name})${hint(name)}`;
}

/** What an operator can do about it. */
function hint(name: string): string {
  if (name === 'EMFILE' || name === 'ENFILE') return '; raise the open-file limit (ulimit -n, systemd LimitNOFILE)';
  if (name === 'EADDRNOTAVAIL') return '; no free local port: widen net.ipv4.ip_local_port_range or add backend addresses';
  return '';
}
