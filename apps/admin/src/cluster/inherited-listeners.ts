// The listening sockets a cluster primary inherited from its predecessor (docs/UPGRADE.md), for
// its workers to listen on with `{ fd }`. node:cluster opens such a descriptor in the primary and
// closes it when the last worker stops listening on it (a service removed or moved), after which the
// number may be reused for anything else: every use is checked against the socket's inode first.
import { fstatSync } from 'node:fs';
import type { EngineConfig } from '@fulcrum/engine';
import { formatAddress } from '@fulcrum/shared/address';
import type { InheritedSocket } from '../handover/handover-protocol.ts';
import type { ListenFds } from './protocol.ts';

function inode(fd: number): bigint | undefined {
  try {
    // bigint: Node's realpathSync reads the last plain stat result from a shared buffer and stops
    // resolving symlinks when it says "socket" — after an fstat of a socket, require() of a pnpm
    // (symlinked) package fails. The bigint variant fills another buffer.
    const st = fstatSync(fd, { bigint: true });
    return st.isSocket() ? st.ino : undefined;
  } catch {
    return undefined;
  }
}

/** Inherited listening sockets by address, each used only while it is still the same socket. */
export class InheritedListeners {
  readonly #byAddress = new Map<string, { fd: number; ino: bigint }>();

  constructor(sockets: readonly InheritedSocket[]) {
    for (const s of sockets) {
      const ino = inode(s.fd);
      if (ino !== undefined) this.#byAddress.set(formatAddress(s.host, s.port), { fd: s.fd, ino });
    }
  }

  /** The descriptors the services of `config` may listen on (the others bind their address). */
  fdsFor(config: EngineConfig): ListenFds {
    const out: ListenFds = {};
    if (this.#byAddress.size === 0) return out;
    for (const sc of config.services) {
      const key = formatAddress(sc.host, sc.port);
      const entry = this.#byAddress.get(key);
      if (entry === undefined) continue;
      if (inode(entry.fd) === entry.ino) out[key] = entry.fd;
      else this.#byAddress.delete(key); // closed since: that address binds anew
    }
    return out;
  }

  /** Forgets the sockets of addresses `config` no longer listens on. */
  keepOnly(config: EngineConfig): void {
    if (this.#byAddress.size === 0) return;
    const used = new Set(config.services.map((sc) => formatAddress(sc.host, sc.port)));
    for (const key of this.#byAddress.keys()) if (!used.has(key)) this.#byAddress.delete(key);
  }
}
