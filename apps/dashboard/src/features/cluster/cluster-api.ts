import type { ClusterDto } from '@fulcrum/shared/cluster';
import { api } from '../../lib/api-client.ts';

/** GET /api/cluster: every node sharing the configuration, with the version each one runs. */
export function fetchCluster(): Promise<ClusterDto> {
  return api.get<ClusterDto>('/cluster');
}
