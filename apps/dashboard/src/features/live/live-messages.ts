// Parsing and dispatch of /api/live messages. Unknown or malformed messages are dropped, so
// a newer admin can add message types without breaking older consoles.
import type { LiveMessage } from '@fulcrum/shared/live-protocol';
import { clusterPushed, eventsReceived, setServices, statsReceived } from '../../store/actions.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isCluster(value: unknown): boolean {
  return isObject(value) && typeof value.version === 'number' && Array.isArray(value.nodes);
}

function isStats(value: unknown): boolean {
  return isObject(value) && typeof value.time === 'number' && Array.isArray(value.services);
}

/** Returns the message if it is a well-formed LiveMessage, else null. */
export function parseLiveMessage(text: string): LiveMessage | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(data)) return null;
  switch (data.type) {
    case 'hello':
      return Array.isArray(data.services) && isStats(data.stats) ? (data as unknown as LiveMessage) : null;
    case 'stats':
      return isStats(data.stats) ? (data as unknown as LiveMessage) : null;
    case 'event':
      return isObject(data.event) && typeof data.event.id === 'number' ? (data as unknown as LiveMessage) : null;
    case 'config':
      return Array.isArray(data.services) ? (data as unknown as LiveMessage) : null;
    case 'cluster':
      return isCluster(data.cluster) ? (data as unknown as LiveMessage) : null;
    default:
      return null;
  }
}

/** Applies a message to the store. */
export function applyLiveMessage(message: LiveMessage): void {
  switch (message.type) {
    case 'hello':
      setServices(message.services);
      statsReceived(message.stats);
      break;
    case 'stats':
      statsReceived(message.stats);
      break;
    case 'event':
      eventsReceived([message.event]);
      break;
    case 'config':
      // Made through this console or through any other node: the push is the same either way.
      setServices(message.services);
      break;
    case 'cluster':
      clusterPushed(message.cluster);
      break;
  }
}
