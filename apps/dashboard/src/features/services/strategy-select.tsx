import { useId, useRef, useState } from 'react';
import type { ServiceDto } from '@fulcrum/shared/api';
import { STRATEGIES, isStrategyName, type StrategyName } from '@fulcrum/shared/strategies';
import { errorMessage } from '../../lib/api-client.ts';
import { useFocusAfterRender } from '../../lib/focus.ts';
import { StrategyClusterNote, useClusterStrategyNote } from '../cluster/strategy-cluster-note.tsx';
import { serviceSaved, showToast } from '../../store/actions.ts';
import { updateService } from './services-api.ts';
import { strategyChange } from './strategy-change.ts';

const DESCRIPTION = new Map<string, string>(STRATEGIES.map((s) => [s.name, s.description]));

/**
 * The balancing strategy. Choosing in the drop-down only selects (a keystroke on a focused
 * select changes it, so it must not apply anything); Apply, which names the change, commits it.
 * Established connections are never touched by a switch.
 */
export function StrategySelect({ service }: { service: ServiceDto }) {
  const id = useId();
  const [selected, setSelected] = useState<StrategyName | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [compare, setCompare] = useState(false);
  const selectRef = useRef<HTMLSelectElement>(null);
  const applyRef = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const change = strategyChange(service.strategy, selected);
  const value = change?.to ?? service.strategy;
  const clusterNote = useClusterStrategyNote(value, service.strategyOptions);

  async function apply() {
    if (!change || busy) return;
    setBusy(true);
    setError(null);
    try {
      serviceSaved(await updateService(service.id, { strategy: change.to }));
      setSelected(null);
      showToast('success', `${service.name}: strategy is now ${change.to}.`);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      // Apply disappears (or was disabled) under the operator's focus: keep it where they work.
      focusAfterRender(() => applyRef.current ?? selectRef.current, true);
    }
  }

  function revert() {
    setSelected(null);
    setError(null);
    focusAfterRender(() => selectRef.current, true);
  }

  const describedBy = [`${id}-desc`, clusterNote ? `${id}-cluster` : null, error ? `${id}-err` : null].filter(Boolean).join(' ');
  return (
    <div className={`strategy${change ? ' has-change' : ''}`}>
      <label className="field-label strategy-label" htmlFor={`${id}-strategy`}>
        Strategy
      </label>
      <div className="strategy-control">
        <select
          ref={selectRef}
          id={`${id}-strategy`}
          className="select strategy-select"
          value={value}
          disabled={busy}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          data-testid="strategy-select"
          onChange={(e) => {
            if (!isStrategyName(e.target.value)) return;
            setSelected(e.target.value);
            setError(null);
          }}
        >
          {STRATEGIES.map((s) => (
            <option key={s.name} value={s.name} title={s.description}>
              {s.label}
              {s.name === service.strategy && change ? ' (running)' : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="strategy-actions">
        {change ? (
          <>
            <button ref={applyRef} type="button" className="btn btn-sm btn-primary" disabled={busy} aria-describedby={`${id}-change`} data-testid="strategy-apply" onClick={() => void apply()}>
              {busy ? <span className="spinner" aria-hidden="true" /> : null}
              Apply
            </button>
            <button type="button" className="btn btn-sm" disabled={busy} onClick={revert}>
              Keep {change.from}
            </button>
          </>
        ) : null}
      </div>
      <div id={`${id}-desc`} className="strategy-desc" data-testid="strategy-description">
        {change ? (
          <p className="strategy-change" id={`${id}-change`} data-testid="strategy-change">
            <span className="mono">{change.text}</span> — not applied yet. New connections follow the new rule; established ones are not touched.
          </p>
        ) : null}
        <p>{DESCRIPTION.get(value) ?? ''}</p>
      </div>
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
