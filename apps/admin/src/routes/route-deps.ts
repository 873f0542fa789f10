// What route plugins are given: the app's services, passed explicitly as plugin options.
import type { DataPlane } from '../data-plane/data-plane.ts';
import type { Authenticator } from '../auth/authenticate.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { ConfigService } from '../config/config-service.ts';
import type { Discovery } from '../discovery/discovery.ts';
import type { LiveHub } from '../live/live-hub.ts';
import type { StatsSampler } from '../live/stats-sampler.ts';
import type { FulcrumMetrics } from '../metrics/metrics.ts';
import type { Store } from '../store/store.ts';
import type { ClusterDto } from '@fulcrum/shared/cluster';
import type { ClusterLink } from '../fleet/cluster-link.ts';
import type { NodeIdentity } from '../fleet/cluster-view.ts';
import type { ClusterSecret } from '../fleet/cluster-secret.ts';
import type { HistoryService } from '../history/history-service.ts';

/** The app's services and route settings, given to every route plugin as its options. */
export interface RouteDeps {
  store: Store;
  engine: DataPlane;
  config: ConfigService;
  /** DNS discovery groups: their members and last resolution on this node. */
  discovery: Discovery;
  auth: Authenticator;
  sessions: SessionStore;
  hub: LiveHub;
  sampler: StatsSampler;
  metrics: FulcrumMetrics;
  /** Who this node is in the cluster (its adminUrl is set once the admin listens). */
  node: NodeIdentity;
  /** The cluster view (GET /api/cluster); `requestUrl` stands in for this node's URL until the admin listens. */
  cluster: (requestUrl?: string) => Promise<ClusterDto>;
  /** The link to the shared store, with --store postgres://… */
  link: ClusterLink | undefined;
  /** The cluster secret that signs node assertions, with --store postgres://… (never answered). */
  clusterSecret?: ClusterSecret;
  /** This node's metric history (history.db in the data directory). */
  history: HistoryService;
}
