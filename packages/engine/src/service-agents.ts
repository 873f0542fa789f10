// The backend settings a service passes down (each backend's own, else the service's) that are
// read outside the config apply: the PROXY protocol mode sent to it (per connect and per check)
// and its agent check (README "Agent checks"), and what an agent's answer changes — the
// backend's weight, the strategies, the queue. Service calls these on create and on each apply.
import type { AgentViewDto } from '@fulcrum/shared/api';
import type { Backend } from './backend.ts';
import type { ServiceConfig } from './config.ts';
import type { AgentChecker, AgentTarget } from './health/agent-checker.ts';
import type { ServiceHostOf } from './service-host.ts';

/** What these need of a service of type S (Service, structurally). */
export interface AgentOwner<S> {
  readonly config: ServiceConfig;
  readonly backends: ReadonlyMap<number, Backend>;
  readonly agents: AgentChecker;
  readonly host: Pick<ServiceHostOf<S>, 'onAgent'>;
  refreshStrategies(): void;
  serveQueue(): void;
}

/** Each backend's PROXY protocol: its own setting, else the service's. */
export function syncProxyProtocol(svc: AgentOwner<unknown>): void {
  const own = new Map(svc.config.backends.map((bc) => [bc.id, bc.proxyProtocol ?? null]));
  for (const b of svc.backends.values()) b.proxyProtocol = own.get(b.id) ?? svc.config.proxyProtocol ?? 'off';
}

/** Polls the agent of every backend that has an agent check (its own, else the service's). */
export function syncAgents(svc: AgentOwner<unknown>): void {
  const targets: AgentTarget[] = [];
  for (const bc of svc.config.backends) {
    const check = bc.agentCheck ?? svc.config.agentCheck ?? null;
    if (check !== null) targets.push({ id: bc.id, host: bc.host, check });
  }
  svc.agents.setTargets(targets);
  // A backend whose agent check was turned off (or that is new) takes what the checker says now.
  for (const b of svc.backends.values()) {
    const factor = svc.agents.factor(b.id);
    if (factor !== b.agentFactor) {
      b.agentFactor = factor;
      b.applyWeight();
    }
  }
}

/** What backend `id`'s agent says changed: its weight follows, the host hears of it, queued clients try again. */
export function agentChanged<S extends AgentOwner<S>>(svc: S, id: number, view: AgentViewDto, previous: AgentViewDto): void {
  const b = svc.backends.get(id);
  if (b === undefined) return;
  b.agentFactor = svc.agents.factor(id);
  b.applyWeight();
  svc.refreshStrategies();
  svc.host.onAgent(svc, b, view, previous);
  svc.serveQueue();
}
