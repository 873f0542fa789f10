// A backend in a request is either an address or a discovery group (`discover`). This file turns
// either into what is stored, with every check of a group's settings; each failure is a 400
// naming the field (`discover.name`, `backends[2].discover.port`).
import { isIP } from 'node:net';
import { formatAddress } from '@fulcrum/shared/address';
import type { DiscoveryType } from '@fulcrum/shared/api';
import { DISCOVERY_DEFAULTS } from '@fulcrum/shared/defaults';
import { DISCOVERY_NAME } from '@fulcrum/shared/limits';
import { ApiError } from '../http/api-error.ts';
import { checkAddress } from '../config/input-checks.ts';
import type { DiscoverColumns } from '../store/backends-repo.ts';
import { groupLabel } from './group-label.ts';

export { backendAddress } from './group-label.ts';

/** A `discover` object as the request schema lets it through (types checked, rules not yet). */
export interface DiscoverInput {
  type: string;
  name: string;
  port?: number;
  minTtlMs?: number;
  maxTtlMs?: number;
}

/** What a backend in a request stands for: host/port as stored, and the group settings if it is one. */
export interface BackendTarget {
  host: string;
  port: number;
  discover: DiscoverColumns | null;
  /** How lists match it: the address, or the group's label. */
  key: string;
}

const NAME = new RegExp(DISCOVERY_NAME.pattern);

const bad = (field: string, message: string): ApiError => new ApiError(400, 'VALIDATION_ERROR', `${field}: ${message}`, field);

/** Checks a `discover` object (the schema checked types and ranges); `at` is its field path. */
export function checkDiscover(input: DiscoverInput, at: string): BackendTarget {
  if (input.type !== 'dns' && input.type !== 'srv') throw bad(`${at}.type`, `must be "dns" (A/AAAA records) or "srv" (SRV records)`);
  const type: DiscoveryType = input.type;
  // Names are case-insensitive; a trailing dot (fully qualified) names the same thing.
  const name = input.name.toLowerCase().replace(/\.$/, '');
  if (!NAME.test(input.name) || name.length === 0) throw bad(`${at}.name`, 'must be a DNS name (labels of letters, digits, hyphen or underscore, at most 63 characters each)');
  if (isIP(name) !== 0) throw bad(`${at}.name`, 'is an IP address, which needs no discovery: give it as `address`');
  const labels = name.split('.');
  if (type === 'srv') {
    if (labels.length < 3 || !labels[0]!.startsWith('_') || !labels[1]!.startsWith('_')) {
      throw bad(`${at}.name`, 'an SRV name starts with a service and a protocol label: _service._proto.domain (e.g. _redis._tcp.internal)');
    }
    if (input.port !== undefined) throw bad(`${at}.port`, 'an SRV group takes no port: each SRV record gives its member\'s port');
  } else {
    if (labels.some((l) => l.startsWith('_'))) throw bad(`${at}.name`, 'a host name has no underscore labels (for SRV records use type "srv")');
    if (input.port === undefined) throw bad(`${at}.port`, 'a dns group needs the members\' port (A/AAAA records carry none)');
  }
  const minTtlMs = input.minTtlMs ?? Math.min(DISCOVERY_DEFAULTS.minTtlMs, input.maxTtlMs ?? Infinity);
  const maxTtlMs = input.maxTtlMs ?? Math.max(DISCOVERY_DEFAULTS.maxTtlMs, minTtlMs);
  if (minTtlMs > maxTtlMs) throw bad(`${at}.minTtlMs`, `must not be above maxTtlMs (${maxTtlMs})`);
  const port = type === 'dns' ? (input.port as number) : 0;
  return { host: name, port, discover: { type, minTtlMs, maxTtlMs }, key: groupLabel(type, name, port) };
}

/** A backend in a request: exactly one of `address` and `discover`; `at` prefixes field names (`backends[1].`). */
export function checkBackendTarget(input: { address?: string; discover?: DiscoverInput }, at = ''): BackendTarget {
  if (input.address !== undefined && input.discover !== undefined) {
    throw bad(`${at}discover`, 'give either address (one backend) or discover (a discovery group), not both');
  }
  if (input.discover !== undefined) return checkDiscover(input.discover, `${at}discover`);
  if (input.address === undefined) throw bad(`${at}address`, 'is required (or discover, for a discovery group)');
  const { host, port } = checkAddress(input.address, `${at}address`);
  return { host, port, discover: null, key: formatAddress(host, port) };
}
