// Asking another cluster node's admin for something only it has (its own metric history): the
// caller's credentials go along (API tokens are replicated, so a token is valid on every node;
// a browser session only on the node that made it), nothing else of the request does. A node
// that is down or not a Fulcrum admin is a 502 naming `node`, never a hang; its 401 is a 502 too,
// since passing a 401 on would tell the caller its own session on this node is gone.
import type { ClusterDto, ClusterNodeDto } from '@fulcrum/shared/cluster';
import { ApiError } from '../http/api-error.ts';

/** How long another node gets to answer a forwarded request. */
export const NODE_FORWARD_TIMEOUT_MS = 5_000;

/** The request headers that travel to the other node: the caller's credentials only. */
const FORWARDED_HEADERS = ['authorization', 'cookie'] as const;

/** A node's answer, passed on as is: its status and its JSON body. */
export interface NodeAnswer {
  status: number;
  body: unknown;
}

/** The node named `name` in `cluster`; 400 UNKNOWN_NODE naming `node` when there is none. */
export function findNode(cluster: ClusterDto, name: string): ClusterNodeDto {
  const node = cluster.nodes.find((n) => n.name === name);
  if (!node) {
    const known = cluster.nodes.map((n) => n.name).join(', ');
    throw new ApiError(400, 'UNKNOWN_NODE', `node: no node "${name}" in this cluster (nodes: ${known})`, 'node');
  }
  return node;
}

/**
 * GETs `path` (starting with /api/) from `node`'s admin with the caller's credentials from
 * `headers`. Any answer that is JSON is passed on with its status; no answer within the timeout,
 * a refused connection or a body that is not JSON is 502 NODE_UNREACHABLE naming `node`.
 */
export async function getFromNode(node: ClusterNodeDto, path: string, headers: Record<string, string | string[] | undefined>, timeoutMs = NODE_FORWARD_TIMEOUT_MS): Promise<NodeAnswer> {
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') forwarded[name] = value;
  }
  const url = `${node.adminUrl.replace(/\/$/, '')}${path}`;
  const unreachable = (why: string, cause?: unknown) =>
    new ApiError(502, 'NODE_UNREACHABLE', `node: node "${node.name}" at ${node.adminUrl} ${why}`, 'node', { cause });
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { headers: forwarded, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    text = await res.text();
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    throw unreachable(timedOut ? `did not answer within ${timeoutMs / 1000} s` : 'did not answer', err);
  }
  if (res.status === 401) {
    throw new ApiError(502, 'NODE_REFUSED_CREDENTIALS', `node: node "${node.name}" refused these credentials (a browser session is valid only on the node that made it; an API token on every node)`, 'node');
  }
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json')) throw unreachable(`answered ${res.status} without JSON`);
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch (err) {
    throw unreachable(`answered ${res.status} with a body that is not JSON`, err);
  }
}
