import { useEffect } from 'react';
import { selectService, showView } from '../store/actions.ts';
import { useAppStore } from '../store/app-store.ts';

const CLUSTER_HASH = '#cluster';
const EVENTS_HASH = '#events';

function readHash(): number | null {
  const match = /service=(\d+)/.exec(window.location.hash);
  return match ? Number(match[1]) : null;
}

/** Follows the address bar: #cluster opens the cluster view, #events the event log, #service=ID a service, anything else the overview. */
function followHash(): void {
  if (window.location.hash === CLUSTER_HASH) {
    showView('cluster');
    return;
  }
  if (window.location.hash === EVENTS_HASH) {
    showView('events');
    return;
  }
  const id = readHash();
  if (id != null) selectService(id);
  else showView('overview');
}

/**
 * Keeps the main view in the URL (#service=ID, #cluster for the cluster view, no hash for the overview) so reloads and
 * links land on it.
 */
export function useHashSelection(): void {
  const selected = useAppStore((s) => s.selectedServiceId);
  const loaded = useAppStore((s) => s.servicesLoaded);
  const view = useAppStore((s) => s.view);

  useEffect(() => {
    if (!loaded) return;
    followHash();
    window.addEventListener('hashchange', followHash);
    return () => window.removeEventListener('hashchange', followHash);
  }, [loaded]);

  useEffect(() => {
    if (!loaded) return;
    if (view === 'overview') {
      // The landing view has a clean address.
      if (window.location.hash) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
      return;
    }
    const next = view === 'cluster' ? CLUSTER_HASH : view === 'events' ? EVENTS_HASH : selected == null ? null : `#service=${selected}`;
    if (next !== null && window.location.hash !== next) window.history.replaceState(window.history.state, '', next);
  }, [selected, view, loaded]);
}
