// The service form's SNI names text area (one TLS server name per line; empty = no SNI routing,
// the default route of a shared address) and the summary's text: checked with the admin's rules
// (@fulcrum/shared/sni).
import { checkSniList } from '@fulcrum/shared/sni';
import { listToText, textToList } from './client-lists.ts';

/** The names as the text area shows them: one per line; '' for none (null). */
export function sniToText(sni: readonly string[] | null): string {
  return sni === null ? '' : listToText(sni);
}

/** The `sni` a text area stands for: null when it lists no name. */
export function textToSni(text: string): string[] | null {
  const list = textToList(text);
  return list.length === 0 ? null : list;
}

/** Why the names would be refused (naming the line), or null. */
export function checkSniText(text: string): string | null {
  const list = textToSni(text);
  if (list === null) return null;
  const bad = checkSniList(list, 'sni');
  if (bad === null) return null;
  const line = /\[(\d+)\]$/.exec(bad.field);
  return line ? `Line ${Number(line[1]) + 1}: ${bad.reason}.` : `${bad.reason}.`;
}

/** "db1.example.com, *.cache.example.com" or "2 names"; null without SNI routing. */
export function sniSummary(sni: readonly string[] | null): string | null {
  if (sni === null) return null;
  return sni.length <= 2 ? sni.join(', ') : `${sni.slice(0, 2).join(', ')} and ${sni.length - 2} more`;
}
