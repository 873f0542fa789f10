// The service form's first group: name, listen address and strategy (with consistent-hash's load
// bound and the cluster note under the strategy).
import { STRATEGIES, type StrategyName } from '@fulcrum/shared/strategies';
import { FormField } from '../../components/form-field.tsx';
import { StrategyClusterNote } from '../cluster/strategy-cluster-note.tsx';
import { LoadBoundField } from './service-extras-fields.tsx';
import type { ServiceFieldsProps } from './service-fields-props.ts';

interface Props extends ServiceFieldsProps {
  /** The strategy's note for a cluster (useClusterStrategyNote), or null. */
  clusterNote: string | null;
  /** Focus the name on open: a new service starts there. */
  autoFocusName: boolean;
}

/** Name, listen address, strategy and, for consistent-hash, its load bound. */
export function ServiceBasicsFields(props: Props) {
  const { values, set, field: f, clusterNote, autoFocusName } = props;
  // FormField wires `${id}-note` into the select's aria-describedby.
  const strategyField = f('strategy');
  return (
    <fieldset>
      <legend>Service</legend>
      <div className="form-grid">
        <FormField {...f('name')} label="Name" hint="Shown in the console and in metrics labels.">
          <input className="input" value={values.name} onChange={(e) => set('name', e.target.value)} autoFocus={autoFocusName} />
        </FormField>
        <FormField {...f('listen')} label="Listen address" hint="host:port Fulcrum accepts clients on.">
          <input className="input mono" placeholder="0.0.0.0:6380" value={values.listen} onChange={(e) => set('listen', e.target.value)} />
        </FormField>
        <FormField
          {...strategyField}
          label="Strategy"
          wide
          hint={STRATEGIES.find((s) => s.name === values.strategy)?.description}
          note={clusterNote ? <StrategyClusterNote note={clusterNote} id={`${strategyField.id}-note`} /> : null}
        >
          <select className="select" value={values.strategy} onChange={(e) => set('strategy', e.target.value as StrategyName)}>
            {STRATEGIES.map((s) => (
              <option key={s.name} value={s.name}>
                {s.label}
              </option>
            ))}
          </select>
        </FormField>
        {values.strategy === 'consistent-hash' ? <LoadBoundField values={values} set={set} field={f} /> : null}
      </div>
    </fieldset>
  );
}
