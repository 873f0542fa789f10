// State of the live WebSocket, shown by the banner and used to mark numbers stale.

export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting';

export interface ConnectionSlice {
  connection: {
    status: ConnectionStatus;
    /** When the next reconnect attempt fires (epoch ms), while reconnecting. */
    retryAt: number | null;
    /** Consecutive failed attempts. */
    attempt: number;
    /** Epoch ms of the last message, for the "no data" watchdog. */
    lastMessageAt: number | null;
    /** Whether the socket was ever open in this session: the first connect is not an outage. */
    everOpened: boolean;
    /** Open, but no message for a few seconds (stalled server or network). */
    silent: boolean;
  };
}

export const initialConnectionSlice: ConnectionSlice = {
  connection: { status: 'idle', retryAt: null, attempt: 0, lastMessageAt: null, everOpened: false, silent: false },
};

/** Live numbers are stale whenever the socket is not open or has gone quiet. */
export function isStale(connection: Pick<ConnectionSlice['connection'], 'status' | 'silent'>): boolean {
  return connection.status !== 'open' || connection.silent;
}
