import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../store/app-store.ts';
import { reconnectNow } from './live-socket.ts';

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/**
 * Says when live data stopped and when it will retry. The status region is always in the
 * DOM (empty while connected) so screen readers announce the change when it fills.
 */
export function ConnectionBanner() {
  const { status, retryAt, everOpened, silent } = useAppStore(
    useShallow((s) => ({ status: s.connection.status, retryAt: s.connection.retryAt, everOpened: s.connection.everOpened, silent: s.connection.silent })),
  );
  const quiet = status === 'open' && silent;
  const down = status === 'reconnecting' || (status === 'connecting' && everOpened) || quiet;
  const now = useNow(down && retryAt !== null);
  const firstConnect = status === 'connecting' && !everOpened;

  let text: string | null = null;
  if (quiet) {
    text = 'No live data for a few seconds — waiting for the server…';
  } else if (down) {
    if (retryAt !== null) {
      const seconds = Math.max(0, Math.ceil((retryAt - now) / 1000));
      text = seconds > 0 ? `Disconnected — reconnecting in ${seconds} s…` : 'Disconnected — reconnecting…';
    } else {
      text = 'Disconnected — reconnecting…';
    }
  } else if (firstConnect) {
    text = 'Connecting to live updates…';
  }

  return (
    <div role="status" aria-live="polite" data-testid="connection-banner" data-state={down ? 'down' : firstConnect ? 'connecting' : 'up'} className={text ? `banner ${down ? 'banner-down' : 'banner-info'}` : 'banner-idle'}>
      {text ? (
        <>
          <span className="banner-dot" aria-hidden="true" />
          <span className="banner-text">{text}</span>
          {down ? <span className="banner-sub">Numbers below are stale until the connection is back.</span> : null}
          {down && retryAt !== null ? (
            <button type="button" className="btn btn-sm banner-retry" onClick={reconnectNow}>
              Retry now
            </button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

/** The small "Live" pill in the top bar. */
export function LiveIndicator() {
  const status = useAppStore((s) => s.connection.status);
  const label = status === 'open' ? 'Live' : status === 'reconnecting' ? 'Reconnecting' : status === 'connecting' ? 'Connecting' : 'Offline';
  return (
    <span className={`live-pill live-${status}`} data-testid="live-indicator" title="Live updates over WebSocket">
      <span className="live-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
