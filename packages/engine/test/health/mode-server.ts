// A redis-like test backend whose behaviour can be switched while a checker watches it.
import { startServer } from './test-servers.ts';
import type { TestServer } from './test-servers.ts';

export type Mode = 'ok' | 'bad' | 'hang';

export interface ModeServer {
  readonly server: TestServer;
  mode: Mode;
  /** Replies sent so far, per mode. */
  readonly replies: { ok: number; bad: number };
}

/** Answers PING with `+PONG` (ok), `-ERR boom` (bad) or nothing (hang), per the current mode. */
export async function startModeServer(mode: Mode = 'ok'): Promise<ModeServer> {
  const state: { mode: Mode; replies: { ok: number; bad: number } } = { mode, replies: { ok: 0, bad: 0 } };
  const server = await startServer({
    onData: (socket) => {
      if (socket.bytesWritten > 0 || state.mode === 'hang') return;
      state.replies[state.mode] += 1;
      socket.write(state.mode === 'ok' ? '+PONG\r\n' : '-ERR boom\r\n');
    },
  });
  return {
    server,
    get mode() {
      return state.mode;
    },
    set mode(next: Mode) {
      state.mode = next;
    },
    replies: state.replies,
  };
}
