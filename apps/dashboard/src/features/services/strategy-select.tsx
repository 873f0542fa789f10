import { useId, useState } from 'react';
import type { ServiceDto } from '@fulcrum/shared/api';
import { STRATEGIES, isStrategyName, type StrategyName } from '@fulcrum/shared/strategies';
import { errorMessage } from '../../lib/api-client.ts';
import { StrategyClusterNote, useClusterStrategyNote } from '../cluster/strategy-cluster-note.tsx';
import { serviceSaved, showToast } from '../../store/actions.ts';
import { updateService } from './services-api.ts';

const DESCRIPTION = new Map<string, string>(STRATEGIES.map((s) => [s.name, s.description]));

/**
 * Switches the balancing strategy immediately (PATCH). Established connections are never
 * touched by a switch, so there is no confirmation step.
 */
export function StrategySelect({ service }: { service: ServiceDto }) {
  const id = useId();
  const [pending, setPending] = useState<StrategyName | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [compare, setCompare] = useState(false);
  const value = pending ?? service.strategy;
  const clusterNote = useClusterStrategyNote(value, service.strategyOptions);

  async function change(next: string) {
    if (!isStrategyName(next) || next === service.strategy) return;
    setPending(next);
    setError(null);
    try {
      serviceSaved(await updateService(service.id, { strategy: next }));
      showToast('success', `${service.name}: strategy is now ${next}.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setPending(null);
    }
  }

  return (
    <div className="strategy">
      <label className="field-label strategy-label" htmlFor={`${id}-strategy`}>
        Strategy
      </label>
      <div className="strategy-control">
        <select
          id={`${id}-strategy`}
          className="select strategy-select"
          value={value}
          disabled={pending !== null}
          aria-describedby={`${id}-desc${clusterNote ? ` ${id}-cluster` : ''}${error ? ` ${id}-err` : ''}`}
          aria-invalid={error ? true : undefined}
          data-testid="strategy-select"
          onChange={(e) => void change(e.target.value)}
        >
          {STRATEGIES.map((s) => (
            <option key={s.name} value={s.name} title={s.description}>
              {s.label}
            </option>
          ))}
        </select>
        {pending ? <span className="spinner" role="img" aria-label="Applying strategy" /> : null}
      </div>
      <p id={`${id}-desc`} className="strategy-desc" data-testid="strategy-description">
        {DESCRIPTION.get(value) ?? ''}
      </p>
      <button type="button" className="btn btn-ghost btn-sm strategy-compare" aria-expanded={compare} aria-controls={`${id}-all`} onClick={() => setCompare(!compare)}>
        {compare ? 'Hide comparison' : 'Compare strategies'}
      </button>
      <StrategyClusterNote note={clusterNote} id={`${id}-cluster`} />
      {error ? (
        <p id={`${id}-err`} className="field-error strategy-error" role="alert" data-testid="strategy-error">
          Could not switch strategy: {error}
        </p>
      ) : null}
      {compare ? (
        <dl id={`${id}-all`} className="strategy-all">
          {STRATEGIES.map((s) => (
            <div key={s.name} className={s.name === value ? 'is-current' : undefined}>
              <dt>
                {s.label} <code>{s.name}</code>
              </dt>
              <dd>{s.description}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}
