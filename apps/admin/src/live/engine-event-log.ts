// Engine events → the event log (with the service's name in the message) → live clients.
import type { FastifyBaseLogger } from 'fastify';
import type { BackendAgentEvent, EngineEvents } from '@fulcrum/engine';
import type { DataPlane } from '../data-plane/data-plane.ts';
import type { ConfigService } from '../config/config-service.ts';
import type { KnownEvent } from '../config/config-service.ts';
import type { EngineEventKind } from '@fulcrum/shared/event-kinds';
import type { Discovery } from '../discovery/discovery.ts';

const ENGINE_ACTOR = 'engine';

/** The event's own time when it is a sane epoch-milliseconds value, else now. */
const at = (time: number): Date => (Number.isFinite(time) && time > 0 && time < 8.64e15 ? new Date(time) : new Date());

/** One line for an agent event: what it says now, or that it stopped answering. */
function describeAgent(e: BackendAgentEvent): string {
  if (e.error !== null) return `agent not answering (${e.error}); its last word stays in force (${e.to ?? 'nothing said'})`;
  const weight = e.weightPercent === null ? '' : ` at ${e.weightPercent}% weight`;
  return `agent says ${e.to ?? 'nothing'}${weight}${e.reason === null ? '' : ` (${e.reason})`}`;
}

/** Records engine events as they happen; returns the function that stops listening. */
export function logEngineEvents(engine: DataPlane, config: ConfigService, log: FastifyBaseLogger, discovery?: Discovery): () => void {
  // The engine names the service itself: a new service's first events come before the admin commits it.
  const serviceName = (e: { serviceId: number; serviceName?: string }) =>
    e.serviceName ?? config.service(e.serviceId)?.name ?? `#${e.serviceId}`;
  const record = (event: KnownEvent & { kind: EngineEventKind }) => {
    config.recordEvent(event).catch((err: unknown) => log.error({ err }, 'could not record an engine event'));
  };
  const ids = (e: { serviceId: number; backendId?: number }) => ({ serviceId: e.serviceId, backendId: e.backendId ?? null });
  // A discovered member is logged under its group's id, and its address names the group.
  const member = (e: { backendId?: number; address: string }) => {
    const group = e.backendId === undefined ? undefined : discovery?.groupOf(e.backendId);
    return group ? { backendId: group.groupId, address: `${e.address} (of ${group.label})`, details: { member: e.address, memberId: e.backendId } } : undefined;
  };
  const withMember = <T extends KnownEvent>(e: { backendId?: number; address: string }, event: T): T => {
    const m = member(e);
    if (!m) return event;
    return { ...event, backendId: m.backendId, message: event.message.replace(e.address, m.address), details: { ...event.details, ...m.details } };
  };

  const handlers: { [K in keyof EngineEvents]: (...args: EngineEvents[K]) => void } = {
    'backend-health': (e) =>
      record(withMember(e, {
        kind: 'backend-health',
        actor: ENGINE_ACTOR,
        time: at(e.time),
        ...ids(e),
        message: `backend ${e.address} of "${serviceName(e)}" is ${e.to} (${e.reason})`,
        details: { address: e.address, from: e.from, to: e.to, reason: e.reason },
      })),
    'backend-state': (e) =>
      record(withMember(e, {
        kind: 'backend-state',
        actor: ENGINE_ACTOR,
        time: at(e.time),
        ...ids(e),
        message: `backend ${e.address} of "${serviceName(e)}" is now ${e.to}`,
        details: { address: e.address, from: e.from, to: e.to },
      })),
    'backend-agent': (e) =>
      record(withMember(e, {
        kind: 'backend-agent',
        actor: ENGINE_ACTOR,
        time: at(e.time),
        ...ids(e),
        message: `backend ${e.address} of "${serviceName(e)}": ${describeAgent(e)}`,
        details: { address: e.address, from: e.from, to: e.to, weightPercent: e.weightPercent, effectiveWeight: e.effectiveWeight, reason: e.reason, error: e.error },
      })),
    'backend-drained': (e) => {
      record(withMember(e, {
        kind: 'backend-drained',
        actor: ENGINE_ACTOR,
        time: at(e.time),
        ...ids(e),
        message:
          `backend ${e.address} of "${serviceName(e)}" drained` +
          (e.closedByTimeout > 0 ? `; ${e.closedByTimeout} connections closed at the drain timeout` : ''),
        details: { address: e.address, closedByTimeout: e.closedByTimeout, removed: e.removed },
      }));
      if (e.removed && e.backendId !== undefined) discovery?.forgetMember(e.backendId);
    },
    'rebalance-started': (e) =>
      record(withMember(e, {
        kind: 'rebalance-started',
        actor: ENGINE_ACTOR,
        time: at(e.time),
        ...ids(e),
        message: `rebalance of backend ${e.address} of "${serviceName(e)}" started: ${e.connections} connections to end over ${e.windowMs} ms`,
        details: { address: e.address, rebalanceId: e.rebalanceId, windowMs: e.windowMs, connections: e.connections },
      })),
    'rebalance-ended': (e) =>
      record(withMember(e, {
        kind: 'rebalance-ended',
        actor: ENGINE_ACTOR,
        time: at(e.time),
        ...ids(e),
        message: `rebalance of backend ${e.address} of "${serviceName(e)}" ${e.outcome === 'done' ? 'finished' : e.outcome}: ${e.closed} connections ended`,
        details: { address: e.address, rebalanceId: e.rebalanceId, closed: e.closed, outcome: e.outcome },
      })),
    'service-error': (e) =>
      record({
        kind: 'service-error',
        actor: ENGINE_ACTOR,
        time: at(e.time),
        ...ids(e),
        message: `service "${serviceName(e)}": ${e.message}`,
        details: { code: e.code },
      }),
    // Only emitted by engines in external-health mode (worker processes), where the primary's
    // health checker turns the streak into a health transition; that transition is logged.
    'passive-failure': () => {},
  };

  for (const [name, handler] of Object.entries(handlers)) engine.on(name as keyof EngineEvents, handler as never);
  return () => {
    for (const [name, handler] of Object.entries(handlers)) engine.off(name as keyof EngineEvents, handler as never);
  };
}
