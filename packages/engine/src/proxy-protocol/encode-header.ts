// Builds the PROXY protocol header Fulcrum sends to a backend (HAProxy `send-proxy` /
// `send-proxy-v2`), once per backend connection, as a latin1 string: the relay writes strings
// (tcp-handle.ts writeChunk) and latin1 keeps every byte 0–255 as it is.
import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { ProxyEndpoint } from './parse-header.ts';
import { V2_SIGNATURE } from './parse-header.ts';

/** The PROXY protocol versions Fulcrum sends. */
export type ProxyVersion = 'v1' | 'v2';

const SIGNATURE = V2_SIGNATURE.toString('latin1');
/** v1 when the addresses are unknown (and HAProxy's health-check header). */
export const V1_UNKNOWN = 'PROXY UNKNOWN\r\n';
/** v2 LOCAL, family UNSPEC, no addresses: what HAProxy's checks send with check-send-proxy and send-proxy-v2. */
export const V2_LOCAL = `${SIGNATURE}\x20\x00\x00\x00`;

/** The header a health check sends to a backend expecting `version`. */
export function checkHeader(version: ProxyVersion): string {
  return version === 'v1' ? V1_UNKNOWN : V2_LOCAL;
}

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, a dual-stack listener's IPv4 client) as its IPv4 form, else the text as it is. */
function unmapped(address: string): string {
  if (!address.includes('.') || !isIPv6(address)) return address;
  const ip = ipaddr.IPv6.parse(address);
  return ip.isIPv4MappedAddress() ? ip.toIPv4Address().toString() : address;
}

/**
 * The header for a client at `source` that reached the listener at `destination`. Both IPv4
 * (mapped addresses counted as IPv4): TCP4; otherwise TCP6 with any IPv4 side mapped
 * (`::ffff:a.b.c.d`), as HAProxy does. An unknown side (null: the socket was already gone) or
 * a non-IP address: v1 UNKNOWN, v2 LOCAL.
 */
export function encodeProxyHeader(version: ProxyVersion, source: ProxyEndpoint | null, destination: ProxyEndpoint | null): string {
  if (source === null || destination === null) return checkHeader(version);
  const src = unmapped(source.address);
  const dst = unmapped(destination.address);
  const v4 = isIPv4(src) && isIPv4(dst);
  if (!v4 && !((isIPv4(src) || isIPv6(src)) && (isIPv4(dst) || isIPv6(dst)))) return checkHeader(version);
  if (!validPort(source.port) || !validPort(destination.port)) return checkHeader(version);
  if (version === 'v1') {
    if (v4) return `PROXY TCP4 ${src} ${dst} ${source.port} ${destination.port}\r\n`;
    return `PROXY TCP6 ${v6Text(src)} ${v6Text(dst)} ${source.port} ${destination.port}\r\n`;
  }
  if (v4) return `${SIGNATURE}\x21\x11\x00\x0c${v4Bytes(src)}${v4Bytes(dst)}${u16(source.port)}${u16(destination.port)}`;
  return `${SIGNATURE}\x21\x21\x00\x24${v6Bytes(src)}${v6Bytes(dst)}${u16(source.port)}${u16(destination.port)}`;
}

const validPort = (port: number): boolean => Number.isInteger(port) && port >= 0 && port <= 65535;

/** IPv6 text for a v1 line; an IPv4 side becomes `::ffff:a.b.c.d`. */
function v6Text(address: string): string {
  return isIPv4(address) ? `::ffff:${address}` : ipaddr.IPv6.parse(address).toString();
}

function v4Bytes(address: string): string {
  return String.fromCharCode(...ipaddr.IPv4.parse(address).toByteArray());
}

function v6Bytes(address: string): string {
  const ip = isIPv4(address) ? ipaddr.IPv4.parse(address).toIPv4MappedAddress() : ipaddr.IPv6.parse(address);
  return String.fromCharCode(...ip.toByteArray());
}

function u16(n: number): string {
  return String.fromCharCode(n >> 8, n & 0xff);
}
