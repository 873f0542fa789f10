import { clusterFetched } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { fetchCluster } from './cluster-api.ts';

/**
 * Loads the cluster view once per `hello`; `cluster` pushes keep it current afterwards. A failure
 * (an older admin without the route, a blip) leaves the header's cluster status empty until the
 * next push or reconnect: it is context, not something to raise a toast about.
 */
export async function loadCluster(): Promise<void> {
  const pushesAtRequest = useAppStore.getState().clusterPushes;
  try {
    clusterFetched(await fetchCluster(), pushesAtRequest);
  } catch {
    // See above: nothing to tell the operator.
  }
}
