// The connection list with --workers N: every worker answers one page of its own connections
// (ids after the cursor, at most `limit`), and the node's page is the lowest `limit` ids of all.
// Connection ids carry their worker (WORKER_CONNECTION_ID_SPAN), so they never collide.
import { CONNECTION_LIST_LIMITS, WORKER_CONNECTION_ID_SPAN, type ConnectionPageDto } from '@fulcrum/shared/connections';

/** One page out of the workers' pages (each ascending, each cut at `limit`). */
export function mergeConnectionPages(pages: readonly ConnectionPageDto[], limit: number = CONNECTION_LIST_LIMITS.pageDefault): ConnectionPageDto {
  const bounded = Math.min(Math.max(limit, 1), CONNECTION_LIST_LIMITS.pageMax);
  const all = pages.flatMap((p) => p.connections).sort((a, b) => a.id - b.id);
  const page = all.slice(0, bounded);
  // More exist when some worker held back more, or when the merged rows overflow the page.
  const more = all.length > bounded || pages.some((p) => p.next !== null);
  return { connections: page, next: more && page.length > 0 ? (page.at(-1)?.id ?? null) : null };
}

/** The cluster worker id that holds connection `connectionId`. */
export function workerOfConnection(connectionId: number): number {
  return Math.floor(connectionId / WORKER_CONNECTION_ID_SPAN);
}
