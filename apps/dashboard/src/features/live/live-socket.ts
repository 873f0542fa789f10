// The /api/live WebSocket: connect, dispatch, reconnect with capped exponential backoff and
// jitter, and hand over to the login page when the server says the session is gone (close code
// 4401, or a 401 from the session probe).
import { backoffDelay } from '../../lib/backoff.ts';
import { ApiError } from '../../lib/api-client.ts';
import { setConnection } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { fetchSession } from '../auth/auth-api.ts';
import { closeAction } from './close-action.ts';
import { applyLiveMessage, parseLiveMessage } from './live-messages.ts';

/** Stats arrive every 500 ms: this much silence marks the numbers stale… */
const STALE_AFTER_MS = 2500;
/** …and this much means a dead (half-open or stalled) connection: drop it and reconnect. */
const SILENCE_LIMIT_MS = 5000;
/** An upgrade that has not completed by then is abandoned and retried. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface LiveOptions {
  /** The session is gone: leave for the login page. */
  onUnauthorized: () => void;
  /** Called after every `hello` except the first, to backfill what was missed while away. */
  onResync?: () => void;
  /** Called after every `hello`, the first included (what `hello` does not carry is fetched here). */
  onHello?: () => void;
}

let socket: WebSocket | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let watchdog: ReturnType<typeof setInterval> | null = null;
let running = false;
let attempt = 0;
let helloCount = 0;
let options: LiveOptions | null = null;

function liveUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}/api/live`;
}

function clearTimers(): void {
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  if (watchdog) clearInterval(watchdog);
  watchdog = null;
}

function connect(): void {
  if (!running) return;
  clearTimers();
  const everOpened = useAppStore.getState().connection.everOpened;
  setConnection({ status: everOpened || attempt > 0 ? 'reconnecting' : 'connecting', retryAt: null });
  let ws: WebSocket;
  try {
    ws = new WebSocket(liveUrl());
  } catch {
    scheduleReconnect();
    return;
  }
  socket = ws;
  let opened = false;
  retryTimer = setTimeout(() => {
    if (socket !== ws || opened) return;
    socket = null;
    ws.close();
    void handleClose(1006, false);
  }, CONNECT_TIMEOUT_MS);

  ws.onopen = () => {
    if (socket !== ws) return;
    opened = true;
    clearTimers();
    attempt = 0;
    setConnection({ status: 'open', retryAt: null, attempt: 0, everOpened: true, lastMessageAt: Date.now(), silent: false });
    watchdog = setInterval(() => {
      const { lastMessageAt, silent } = useAppStore.getState().connection;
      const quiet = lastMessageAt === null ? 0 : Date.now() - lastMessageAt;
      if (quiet > SILENCE_LIMIT_MS) {
        // A stalled peer may never answer the close handshake, so don't wait for onclose.
        socket = null;
        clearTimers();
        ws.close(4000, 'no data');
        if (running) void handleClose(4000, true);
      } else if (quiet > STALE_AFTER_MS && !silent) {
        setConnection({ silent: true });
      }
    }, 500);
  };

  ws.onmessage = (event: MessageEvent) => {
    if (socket !== ws || typeof event.data !== 'string') return;
    const message = parseLiveMessage(event.data);
    setConnection(useAppStore.getState().connection.silent ? { lastMessageAt: Date.now(), silent: false } : { lastMessageAt: Date.now() });
    if (!message) return;
    applyLiveMessage(message);
    if (message.type === 'hello') {
      helloCount++;
      options?.onHello?.();
      if (helloCount > 1) options?.onResync?.();
    }
  };

  ws.onclose = (event: CloseEvent) => {
    if (socket !== ws) return;
    socket = null;
    clearTimers();
    if (!running) return;
    void handleClose(event.code, opened);
  };
}

/** Leaves for the sign-in page: no more attempts with a session that is gone. */
function signInAgain(): void {
  const handler = options?.onUnauthorized;
  stopLive();
  handler?.();
}

async function handleClose(code: number, opened: boolean): Promise<void> {
  const action = closeAction(code, opened);
  // 4401: the admin ended this session (logout in another tab, revocation, expiry).
  if (action === 'sign-in') {
    signInAgain();
    return;
  }
  // A refused upgrade (e.g. 401) reaches the browser only as code 1006 before open, so probe
  // the session whenever the socket closed for a reason that might be authentication.
  if (action === 'probe') {
    try {
      // Bounded: a stalled server must not stall the reconnect loop.
      await fetchSession(AbortSignal.timeout(5000));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'UNAUTHORIZED') {
        signInAgain();
        return;
      }
    }
  }
  if (running) scheduleReconnect();
}

function scheduleReconnect(): void {
  const delay = backoffDelay(attempt);
  attempt++;
  setConnection({ status: 'reconnecting', retryAt: Date.now() + delay, attempt });
  retryTimer = setTimeout(connect, delay);
}

/** Opens the live connection (idempotent). */
export function startLive(opts: LiveOptions): void {
  options = opts;
  if (running) return;
  running = true;
  attempt = 0;
  helloCount = 0;
  connect();
}

/** Closes the live connection and stops reconnecting. */
export function stopLive(): void {
  running = false;
  clearTimers();
  const ws = socket;
  socket = null;
  if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, 'bye');
  setConnection({ status: 'idle', retryAt: null, attempt: 0 });
}

/** Skips the remaining backoff and reconnects now. */
export function reconnectNow(): void {
  if (!running || socket) return;
  connect();
}
