// The service form's agent-check group; the model is agent-check-form.ts.
import { FormField } from '../../components/form-field.tsx';
import type { ServiceFieldsProps } from './service-fields-props.ts';

/** The agent's port on each backend's host and, once one is set, how often it is asked. */
export function AgentCheckFields({ values, set, field: f }: ServiceFieldsProps) {
  return (
    <fieldset data-testid="agent-check-fields">
      <legend>Agent check</legend>
      <div className="form-grid">
        <FormField {...f('agentPort')} label="Agent port" hint="on each backend's host; empty = none">
          <input className="input num" inputMode="numeric" placeholder="none" value={values.agentPort} onChange={(e) => set('agentPort', e.target.value)} />
        </FormField>
        {values.agentPort.trim() === '' ? null : (
          <FormField {...f('agentIntervalMs')} label="Agent interval (ms)">
            <input className="input num" inputMode="numeric" value={values.agentIntervalMs} onChange={(e) => set('agentIntervalMs', e.target.value)} />
          </FormField>
        )}
      </div>
      <p className="muted small">The agent answers one line (up, down, drain, maint, ready, 75%, # reason); it adjusts each backend on top of these settings. A backend may name its own.</p>
    </fieldset>
  );
}
