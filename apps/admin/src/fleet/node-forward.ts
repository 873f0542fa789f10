// Asking another cluster node's admin for something only it has (its own metric history): the
// caller's credentials go along, nothing else of the request does. API tokens are replicated, so
// a Bearer token is valid on every node and goes as is; a browser session is valid only on the
// node that made it, so for it this node sends a node assertion (node-assertion.ts) naming the
// session's token instead of the cookie. A node that is down or not a Fulcrum admin is a 502
// naming `node`, never a hang; its 401 (e.g. a node from before assertions) is a 502 too, since
// passing a 401 on would tell the caller its own session on this node is gone.
import type { ClusterDto, ClusterNodeDto } from '@fulcrum/shared/cluster';
import { ApiError } from '../http/api-error.ts';
import { NODE_ASSERTION_HEADER } from './node-assertion.ts';

/** How long another node gets to answer a forwarded request. */
export const NODE_FORWARD_TIMEOUT_MS = 5_000;

/**
 * The headers that carry the caller's credentials to the other node: its Authorization header
 * when it sent one; else `assertion` when there is one; else its cookie (valid there only if
 * that node made the session).
 */
export function forwardedCredentials(headers: Record<string, string | string[] | undefined>, assertion: string | undefined): Record<string, string> {
  const { authorization, cookie } = headers;
  if (typeof authorization === 'string') return { authorization };
  if (assertion !== undefined) return { [NODE_ASSERTION_HEADER]: assertion };
  return typeof cookie === 'string' ? { cookie } : {};
}

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
 * GETs `path` (starting with /api/) from `node`'s admin with the credentials in `forwarded`
 * (forwardedCredentials). Any answer that is JSON is passed on with its status; no answer within
 * the timeout, a refused connection or a body that is not JSON is 502 NODE_UNREACHABLE naming `node`.
 */
export async function getFromNode(node: ClusterNodeDto, path: string, forwarded: Record<string, string>, timeoutMs = NODE_FORWARD_TIMEOUT_MS): Promise<NodeAnswer> {
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
    throw new ApiError(502, 'NODE_REFUSED_CREDENTIALS', `node: node "${node.name}" refused these credentials (an API token is valid on every node; a browser session reaches other nodes only by a node assertion, which a node from before them or one without the cluster secret refuses)`, 'node');
  }
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json')) throw unreachable(`answered ${res.status} without JSON`);
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch (err) {
    throw unreachable(`answered ${res.status} with a body that is not JSON`, err);
  }
}
