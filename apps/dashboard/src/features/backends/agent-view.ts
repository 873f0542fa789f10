// How the console shows what a backend's agent said (README "Agent checks"): a small badge next
// to the health badge, its reason (or why the agent is not answering) as text and tooltip.
import type { AgentViewDto } from '@fulcrum/shared/api';
import type { BadgeTone } from '../../components/badge.tsx';

/** The badge text: `agent drain`, `agent 75%`, `agent up 75%`, `agent ?` before any word. */
export function agentLabel(agent: AgentViewDto): string {
  const parts = ['agent'];
  if (agent.state !== null) parts.push(agent.state);
  if (agent.weightPercent !== null && agent.weightPercent !== 100) parts.push(`${agent.weightPercent}%`);
  if (parts.length === 1) parts.push('?');
  return parts.join(' ');
}

/** Colour: taken out (down/maint) red or grey, drain amber, a lowered weight amber, else green; unknown until it answers. */
export function agentTone(agent: AgentViewDto): BadgeTone {
  if (agent.state === 'down') return 'down';
  if (agent.state === 'maint') return 'disabled';
  if (agent.state === 'drain') return 'draining';
  if (agent.state === null && agent.weightPercent === null) return 'unknown';
  if (agent.weightPercent !== null && agent.weightPercent < 100) return 'draining';
  return 'up';
}

/** The line under the badge and its tooltip: the agent's `#reason`, and that it is not answering. */
export function agentDetail(agent: AgentViewDto): string {
  const parts: string[] = [];
  if (agent.reason !== null) parts.push(agent.reason);
  if (agent.error !== null) parts.push(`not answering: ${agent.error}${agent.state === null ? '' : ' (last word stays in force)'}`);
  return parts.join(' · ');
}

/** False while the agent keeps new connections away (down, maint, drain or 0%). */
export function agentAdmits(agent: AgentViewDto | null): boolean {
  if (agent === null) return true;
  if (agent.state === 'down' || agent.state === 'maint' || agent.state === 'drain') return false;
  return agent.weightPercent !== 0;
}
