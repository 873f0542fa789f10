import { clusterFetched } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { fetchCluster } from './cluster-api.ts';

/**
 * Loads GET /api/cluster (after each `hello`, and every few seconds while the cluster view is
 * open); `cluster` pushes keep it current in between. A failure (an older admin without the
 * route, a blip) keeps what is shown: the status is context, not something to raise a toast about.
 */
export async function loadCluster(): Promise<void> {
  const pushesAtRequest = useAppStore.getState().clusterPushes;
  try {
    clusterFetched(await fetchCluster(), pushesAtRequest);
  } catch {
    // See above: nothing to tell the operator.
  }
}
