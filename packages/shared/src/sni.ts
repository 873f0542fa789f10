// TLS server names of a service's `sni` list (README "TLS SNI routing"): the one set of rules the
// admin, the engine and the console check them with, and the one place they are normalized.

/** At most this many names per service; each a DNS name of at most 253 characters. */
export const SNI_LIMITS = { maxNames: 100, maxLength: 253 } as const;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The form names are compared in: lower case (DNS names are case-insensitive). */
export const normalizeSniName = (name: string): string => name.toLowerCase();

/**
 * Why `name` is not a server name Fulcrum can route on, or null. A name is a DNS name of LDH
 * labels (internationalized names in their A-label form, `xn--…`), or `*.` followed by one
 * (at least two labels after the `*`: it stands for exactly one label, as in certificates).
 */
export function sniNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > SNI_LIMITS.maxLength) return `must be a DNS name of 1 to ${SNI_LIMITS.maxLength} characters`;
  if (/[^\x21-\x7e]/.test(name)) return `"${name}": only ASCII letters, digits, '-' and '.' (write an internationalized name as its A-label, xn--…)`;
  const lower = normalizeSniName(name);
  const wildcard = lower.startsWith('*.');
  const labels = (wildcard ? lower.slice(2) : lower).split('.');
  if (wildcard && labels.length < 2) return `"${name}": a wildcard needs at least two labels after "*." (like certificate wildcards)`;
  for (const label of labels) {
    if (!LABEL.test(label)) return `"${name}": each label must be 1 to 63 letters, digits or '-', not starting or ending with '-'${label.includes('*') ? " ('*' only as the whole first label)" : ''}`;
  }
  return null;
}

/** The first problem of a service's `sni` list (`field` names the entry, `sni[1]`), or null. */
export function checkSniList(list: readonly string[], name = 'sni'): { field: string; reason: string } | null {
  if (list.length === 0) return { field: name, reason: 'must name at least one server name (leave sni out, or null, for the default route)' };
  if (list.length > SNI_LIMITS.maxNames) return { field: name, reason: `must list at most ${SNI_LIMITS.maxNames} names` };
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const entry = list[i] as string;
    const problem = sniNameProblem(entry);
    if (problem !== null) return { field: `${name}[${i}]`, reason: problem };
    const key = normalizeSniName(entry);
    if (seen.has(key)) return { field: `${name}[${i}]`, reason: `"${entry}" is listed twice` };
    seen.add(key);
  }
  return null;
}

/** One service on a listen address, as the sharing rule sees it. */
export interface AddressSharer {
  readonly sni?: readonly string[] | null;
  /** Set (non-null): the service accepts a PROXY protocol header (README "PROXY protocol"). */
  readonly acceptProxyProtocol?: unknown;
}

/** Whether a service routes by server name (a non-null `sni`); one without is a default route. */
export const namesSni = (s: AddressSharer): boolean => s.sni !== undefined && s.sni !== null;

/**
 * The rule for services on one listen address (README "TLS SNI routing"): several may share it
 * only when each names its `sni` server names, plus at most one without `sni` (the default
 * route); no name on two of them. The first problem: which service (`index` in `services`),
 * which entry of its `sni` (null: the field itself), and why; or null.
 */
export function sharedAddressProblem(services: readonly AddressSharer[]): { index: number; entry: number | null; reason: string } | null {
  if (services.length < 2) return null;
  let defaults = 0;
  const owner = new Map<string, number>();
  for (let i = 0; i < services.length; i++) {
    const s = services[i] as AddressSharer;
    if (!namesSni(s)) {
      defaults++;
      if (defaults > 1) return { index: i, entry: null, reason: 'another service on this listen address has no sni already: an address shared by services may have one default route (a service without sni); name the TLS server names this one serves in sni' };
      continue;
    }
    const names = s.sni as readonly string[];
    for (let j = 0; j < names.length; j++) {
      const key = normalizeSniName(names[j] as string);
      const other = owner.get(key);
      if (other !== undefined && other !== i) return { index: i, entry: j, reason: `"${names[j]}" is already routed to another service on this listen address` };
      owner.set(key, i);
    }
  }
  return null;
}

/**
 * Where an address's SNI peek would meet a PROXY protocol header (README "TLS SNI routing"): the
 * peek reads each client's first bytes as a TLS ClientHello, so while any service on an address
 * names `sni`, none of them may accept a PROXY header. The index of the last service that does
 * (callers put the service being changed last), or null.
 */
export function proxyOnSniAddress(services: readonly AddressSharer[]): number | null {
  if (!services.some(namesSni)) return null;
  for (let i = services.length - 1; i >= 0; i--) {
    const accept = (services[i] as AddressSharer).acceptProxyProtocol;
    if (accept !== undefined && accept !== null) return i;
  }
  return null;
}
