// The service form's PROXY protocol fields (README "PROXY protocol"): what Fulcrum sends its
// backends (a select over the shared list of modes) and the trusted senders it reads a header
// from (one CIDR per line; empty = off), checked with the admin's parser (client-lists.ts).
import type { AcceptProxyProtocolDto, ProxyProtocolMode, ServiceDto } from '@fulcrum/shared/api';
import { PROXY_PROTOCOL_MODES } from '@fulcrum/shared/enums';
import { checkListText, listToText, textToList } from './client-lists.ts';

/** The form fields. */
export interface ProxyFormValues {
  proxyProtocol: ProxyProtocolMode;
  /** Trusted PROXY header senders, one CIDR per line; empty = no header is read. */
  acceptProxyFrom: string;
}

/** How each mode reads in the select and the summary. */
export const PROXY_MODE_TEXT: Record<ProxyProtocolMode, string> = {
  off: 'off',
  v1: 'v1 (text, send-proxy)',
  v2: 'v2 (binary, send-proxy-v2)',
};

/** The modes in select order. */
export const PROXY_MODES = PROXY_PROTOCOL_MODES;

/** The fields of a service's settings. */
export function toProxyForm(s: Pick<ServiceDto, 'proxyProtocol' | 'acceptProxyProtocol'>): ProxyFormValues {
  return { proxyProtocol: s.proxyProtocol, acceptProxyFrom: listToText(s.acceptProxyProtocol?.from ?? []) };
}

/** Why the trusted-senders list would be refused, or null. */
export function checkProxyForm(values: ProxyFormValues): string | null {
  return checkListText(values.acceptProxyFrom);
}

/** acceptProxyProtocol as the API takes it: null when no sender is listed. */
export function acceptProxyOf(values: ProxyFormValues): AcceptProxyProtocolDto | null {
  const from = textToList(values.acceptProxyFrom);
  return from.length === 0 ? null : { from };
}
