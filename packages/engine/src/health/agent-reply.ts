// The agent check's reply line, read with HAProxy's agent-check vocabulary (README "Agent
// checks"). Two independent axes, as in HAProxy: the administrative one (`ready` undoes `drain`
// and `maint`) and the operational one (`up` undoes `down`/`fail`/`stopped`), plus a weight
// percentage of the configured weight. A word the agent does not say leaves its axis as it was.
import { AGENT_REPLY } from '@fulcrum/shared/limits';

/** The administrative words: `ready` cancels `drain` and `maint`. */
export type AgentAdmin = 'ready' | 'drain' | 'maint';
/** The operational words: `up` cancels `down` (said as `down`, `fail`/`failed` or `stopped`). */
export type AgentOperational = 'up' | 'down';

/** What one reply says; every field is absent when the reply did not mention it. */
export interface AgentReply {
  admin?: AgentAdmin;
  operational?: AgentOperational;
  /** The word that set `operational` (`down`, `fail`, `stopped`, `up`), for the reason text. */
  operationalWord?: string;
  /** Integer percentage of the configured weight (`75%` → 75). */
  weightPercent?: number;
  /** The text after `#`, trimmed and bounded; absent without `#`. */
  reason?: string;
}

/** A reply line that says nothing Fulcrum understands (kept as an error; the last state stays). */
export interface AgentReplyError {
  error: string;
}

/** Largest percentage accepted; the effective weight is capped separately (BACKEND_LIMITS.weight.max). */
export const MAX_WEIGHT_PERCENT = 100_000;

const ADMIN_WORDS: Readonly<Record<string, AgentAdmin>> = { ready: 'ready', drain: 'drain', maint: 'maint' };
const OPERATIONAL_WORDS: Readonly<Record<string, AgentOperational>> = { up: 'up', down: 'down', fail: 'down', failed: 'down', stopped: 'down' };

/**
 * Parses one reply line (its line end already removed, or not). Words are separated by spaces,
 * tabs or commas and compared case-insensitively; the text after the first `#` is the reason.
 * Unknown words are ignored (HAProxy ignores them too, e.g. `maxconn:30`); a line with no known
 * word at all is an error. When a line repeats an axis, the last word wins.
 */
export function parseAgentReply(line: string): AgentReply | AgentReplyError {
  const cut = line.search(/[\r\n]/);
  const text = cut === -1 ? line : line.slice(0, cut);
  const hash = text.indexOf('#');
  const words = (hash === -1 ? text : text.slice(0, hash)).split(/[\s,]+/).filter((w) => w !== '');
  const reply: AgentReply = {};
  let understood = false;
  for (const raw of words) {
    const word = raw.toLowerCase();
    const admin = ADMIN_WORDS[word];
    const operational = OPERATIONAL_WORDS[word];
    if (admin !== undefined) {
      reply.admin = admin;
      understood = true;
    } else if (operational !== undefined) {
      reply.operational = operational;
      reply.operationalWord = word;
      understood = true;
    } else if (/^\d{1,6}%$/.test(word)) {
      const percent = Number(word.slice(0, -1));
      if (percent > MAX_WEIGHT_PERCENT) return { error: `weight ${word} is above ${MAX_WEIGHT_PERCENT}%` };
      reply.weightPercent = percent;
      understood = true;
    }
  }
  if (hash !== -1) {
    const reason = cleanReason(text.slice(hash + 1));
    if (reason !== '') reply.reason = reason;
  }
  if (!understood) return { error: words.length === 0 ? 'empty reply' : `no known word in reply "${cleanReason(text)}"` };
  return reply;
}

/** Printable, single-spaced and bounded: the reason goes into events, stats and the console. */
function cleanReason(text: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim();
  return printable.length > AGENT_REPLY.maxReasonLength ? `${printable.slice(0, AGENT_REPLY.maxReasonLength - 1)}…` : printable;
}

/** True for a parse failure. */
export function isAgentReplyError(value: AgentReply | AgentReplyError): value is AgentReplyError {
  return 'error' in value;
}
