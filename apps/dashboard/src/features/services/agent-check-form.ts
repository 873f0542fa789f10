// The agent-check fields of the console's forms (README "Agent checks"): a port (empty = no agent
// check of its own) and an interval, checked against the ranges the admin accepts.
import type { AgentCheckDto } from '@fulcrum/shared/api';
import { AGENT_CHECK_DEFAULTS } from '@fulcrum/shared/defaults';
import { AGENT_CHECK_LIMITS } from '@fulcrum/shared/limits';
import { parseIntInRange } from '../../lib/limits.ts';

/** The two text fields as typed. */
export interface AgentFormValues {
  agentPort: string;
  agentIntervalMs: string;
}

export type AgentParse = { ok: true; value: AgentCheckDto | null } | { ok: false; field: keyof AgentFormValues; reason: string };

/** The fields showing `check` (empty port and the default interval for none). */
export function toAgentForm(check: AgentCheckDto | null): AgentFormValues {
  return {
    agentPort: check === null ? '' : String(check.port),
    agentIntervalMs: String(check?.intervalMs ?? AGENT_CHECK_DEFAULTS.intervalMs),
  };
}

/** The agent check the fields ask for: null when the port is empty. */
export function parseAgentForm(values: AgentFormValues): AgentParse {
  if (values.agentPort.trim() === '') return { ok: true, value: null };
  const port = parseIntInRange(values.agentPort, 'Agent port', AGENT_CHECK_LIMITS.port);
  if (!port.ok) return { ok: false, field: 'agentPort', reason: port.reason };
  const interval = parseIntInRange(values.agentIntervalMs, 'Agent interval', AGENT_CHECK_LIMITS.intervalMs);
  if (!interval.ok) return { ok: false, field: 'agentIntervalMs', reason: interval.reason };
  return { ok: true, value: { port: port.value, intervalMs: interval.value } };
}

/** Same agent check (both off, or same port and interval). */
export function sameAgentCheck(a: AgentCheckDto | null, b: AgentCheckDto | null): boolean {
  return a === null || b === null ? a === b : a.port === b.port && a.intervalMs === b.intervalMs;
}

/** Short text for an agent check: `:9777 every 2000 ms`. */
export function describeAgentCheck(check: AgentCheckDto): string {
  return `:${check.port} every ${check.intervalMs} ms`;
}
