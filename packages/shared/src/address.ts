/** A parsed `host:port` listen or backend address. IPv6 hosts are written `[::1]:6379`. */
export interface HostPort {
  host: string;
  port: number;
}

export type AddressResult = { ok: true; value: HostPort } | { ok: false; reason: string };

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/**
 * Parses `host:port`. `allowPortZero` is for tests that bind an ephemeral port; operators
 * always name a port in 1–65535.
 */
export function parseAddress(input: unknown, allowPortZero = false): AddressResult {
  if (typeof input !== 'string' || input.trim() === '') return { ok: false, reason: 'must be a "host:port" string' };
  // Rejected, not trimmed: an address is exactly what it says (issue 13 §4).
  if (input !== input.trim()) return { ok: false, reason: 'must not start or end with spaces' };
  const text = input;
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return { ok: false, reason: 'IPv6 addresses are written [addr]:port' };
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (!IPV6.test(host) || !host.includes(':')) return { ok: false, reason: `"${host}" is not an IPv6 address` };
  } else {
    const colon = text.lastIndexOf(':');
    if (colon <= 0) return { ok: false, reason: 'must be "host:port", e.g. 127.0.0.1:6379' };
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) return { ok: false, reason: 'IPv6 addresses are written [addr]:port' };
    if (/^[\d.]+$/.test(host) ? !IPV4.test(host) : !HOSTNAME.test(host)) return { ok: false, reason: `"${host}" is not a valid host name or IPv4 address` };
  }
  if (!/^\d{1,5}$/.test(portText)) return { ok: false, reason: `port "${portText}" is not a number` };
  const port = Number(portText);
  if (port > 65535 || (port === 0 && !allowPortZero)) return { ok: false, reason: `port ${port} is out of range (1-65535)` };
  return { ok: true, value: { host, port } };
}

/** Formats a host and port back to `host:port` (brackets for IPv6). */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
