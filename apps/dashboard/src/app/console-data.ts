// What happens right after sign-in: fetch the current state over REST (so the page fills even
// before the socket is up) and open the live stream.
import { errorMessage } from '../lib/api-client.ts';
import { setServices, showToast, statsReceived } from '../store/actions.ts';
import { sessionLost } from '../features/auth/session.ts';
import { loadCluster } from '../features/cluster/cluster-actions.ts';
import { loadRecentEvents } from '../features/events/events-actions.ts';
import { startLive, stopLive } from '../features/live/live-socket.ts';
import { fetchStats, listServices } from '../features/services/services-api.ts';

/** Loads services, stats and events, then starts the live connection (the cluster view follows each `hello`). */
export function startConsole(): void {
  void listServices()
    .then(setServices)
    .catch((error: unknown) => showToast('error', `Could not load services: ${errorMessage(error)}`));
  void fetchStats()
    .then(statsReceived)
    .catch(() => {
      // The live `hello` carries stats too; a failed first fetch only delays numbers.
    });
  void loadRecentEvents();
  startLive({ onUnauthorized: sessionLost, onResync: () => void loadRecentEvents(), onHello: () => void loadCluster() });
}

/** Stops live updates (sign-out, session loss, unmount). */
export function stopConsole(): void {
  stopLive();
}
