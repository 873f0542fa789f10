// Records a HealthChecker's onChange calls for assertions.
import type { HealthState } from '../../src/config.ts';
import type { HealthChangeListener } from '../../src/health/health-checker.ts';

export interface HealthEvent {
  id: string;
  from: HealthState;
  to: HealthState;
  reason: string;
  /** Date.now() when it happened. */
  at: number;
}

export interface EventLog {
  readonly events: HealthEvent[];
  readonly onChange: HealthChangeListener<string>;
  /** Events of one target, without `at`. */
  of(id: string): Omit<HealthEvent, 'at'>[];
  /** The latest event of `id` moving to `to`. */
  last(id: string, to: HealthState): HealthEvent | undefined;
}

export function eventLog(onEvent?: (event: HealthEvent) => void): EventLog {
  const events: HealthEvent[] = [];
  return {
    events,
    onChange: (id, from, to, reason) => {
      const event = { id, from, to, reason, at: Date.now() };
      events.push(event);
      onEvent?.(event);
    },
    of: (id) => events.filter((e) => e.id === id).map(({ at: _at, ...rest }) => rest),
    last: (id, to) => events.filter((e) => e.id === id && e.to === to).at(-1),
  };
}
