// --store: which store a node uses. Checked at start-up, before anything is opened.

/** A --store value: PostgreSQL (several nodes share it). */
export interface SharedStoreUrl {
  url: string;
  /** The URL without its password, for messages and logs. */
  display: string;
}

/** Parses --store; throws a one-line message for anything but postgres://user[:pass]@host[:port]/db. */
export function parseStoreUrl(value: string): SharedStoreUrl {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--store: "${redact(value)}" is not a URL; expected postgres://user:password@host:port/database`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`--store: unsupported scheme "${url.protocol.replace(/:$/, '')}"; expected postgres://user:password@host:port/database (without --store the embedded SQLite store is used)`);
  }
  if (url.hostname === '') throw new Error('--store: the URL names no host; expected postgres://user:password@host:port/database');
  if (url.pathname.replace(/^\//, '') === '') throw new Error('--store: the URL names no database; expected postgres://user:password@host:port/database');
  return { url: value, display: redact(value) };
}

/** The URL with its password replaced by ***. */
export function redact(value: string): string {
  return value.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}
