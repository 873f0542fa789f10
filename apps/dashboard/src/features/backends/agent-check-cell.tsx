import { useState } from 'react';
import type { AgentCheckDto } from '@fulcrum/shared/api';
import { AGENT_CHECK_DEFAULTS } from '@fulcrum/shared/defaults';
import { errorMessage } from '../../lib/api-client.ts';
import { describeAgentCheck, parseAgentForm, sameAgentCheck } from '../services/agent-check-form.ts';

interface AgentCheckCellProps {
  address: string;
  /** The backend's own agent check (null: the service's). */
  check: AgentCheckDto | null;
  /** The service's, shown when the backend has none of its own. */
  serviceCheck: AgentCheckDto | null;
  onSave: (check: AgentCheckDto | null) => Promise<void>;
}

/**
 * A backend's own agent port, edited in place: empty = the service's agent check. Enter saves,
 * Escape cancels; the interval stays as it was (or the default).
 */
export function AgentCheckCell({ address, check, serviceCheck, onSave }: AgentCheckCellProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function commit() {
    if (draft === null || busy) return;
    const parsed = parseAgentForm({ agentPort: draft, agentIntervalMs: String(check?.intervalMs ?? serviceCheck?.intervalMs ?? AGENT_CHECK_DEFAULTS.intervalMs) });
    if (!parsed.ok) {
      setError(parsed.reason);
      return;
    }
    if (sameAgentCheck(parsed.value, check)) {
      setDraft(null);
      return;
    }
    setBusy(true);
    try {
      await onSave(parsed.value);
      setDraft(null);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (draft !== null) {
    return (
      <span className="agent-edit">
        <input
          autoFocus
          className="input input-sm num"
          inputMode="numeric"
          placeholder="service's"
          aria-label={`Agent port of ${address}`}
          aria-invalid={error ? true : undefined}
          value={draft}
          disabled={busy}
          onChange={(e) => {
            setDraft(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void commit();
            } else if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              setDraft(null);
              setError(null);
            }
          }}
          onBlur={() => void commit()}
        />
        {error ? (
          <span className="field-error" role="alert">
            {error}
          </span>
        ) : null}
      </span>
    );
  }

  const text = check !== null ? `agent ${describeAgentCheck(check)}` : serviceCheck !== null ? "agent: service's" : 'no agent';
  return (
    <button
      type="button"
      className="agent-btn"
      data-testid="agent-check-edit"
      title="This backend's own agent port (empty = the service's agent check)"
      aria-label={`Agent check of ${address}: ${text}; change`}
      onClick={() => setDraft(check === null ? '' : String(check.port))}
    >
      {text}
    </button>
  );
}
