import { useId, useState, type FormEvent } from 'react';
import { BACKEND_DEFAULTS } from '@fulcrum/shared/defaults';
import type { ApiWarning, ProxyProtocolMode } from '@fulcrum/shared/api';
import { PROXY_MODES, PROXY_MODE_TEXT } from '../services/proxy-protocol-form.ts';
import { ApiError, errorMessage, messageForField } from '../../lib/api-client.ts';
import { FormField } from '../../components/form-field.tsx';
import type { StrategyName } from '@fulcrum/shared/strategies';
import { FormWarnings } from '../../components/form-warnings-list.tsx';
import { addBackendWarnings, type WarnBackend } from '../services/form-warnings.ts';
import { backendChanged, showToast } from '../../store/actions.ts';
import { addBackend, type BackendCreate } from './backends-api.ts';
import { parseMaxConnections, parseWeight, validateBackendAddress } from './backend-validation.ts';
import { parseAgentForm } from '../services/agent-check-form.ts';
import { AGENT_CHECK_DEFAULTS } from '@fulcrum/shared/defaults';

type Field = 'address' | 'weight' | 'maxConnections' | 'agentCheck.port' | 'proxyProtocol' | 'form';

const FIELDS: readonly string[] = ['address', 'weight', 'maxConnections', 'agentCheck.port', 'proxyProtocol'];

/** What the form adds: one backend at an address, or a DNS discovery group (README "DNS discovery"). */
type Kind = 'address' | 'dns' | 'srv';

/** The `discover` of a group from the form's text, or why not. */
function discoverFrom(kind: 'dns' | 'srv', name: string, port: string): { ok: true; value: BackendCreate['discover'] } | { ok: false; reason: string } {
  const n = name.trim();
  if (n === '') return { ok: false, reason: kind === 'srv' ? 'Enter an SRV name, e.g. _redis._tcp.internal' : 'Enter a host name, e.g. redis.internal' };
  if (kind === 'srv') return { ok: true, value: { type: 'srv', name: n } };
  const p = Number(port.trim());
  if (!/^\d+$/.test(port.trim()) || p < 1 || p > 65535) return { ok: false, reason: 'Port: a number from 1 to 65535' };
  return { ok: true, value: { type: 'dns', name: n, port: p } };
}

/**
 * Adds a backend to the service. Validates inline; server errors land next to the field they name;
 * warnings of an added backend (another spelling of an existing one, a name that does not resolve)
 * stay under the form until the next edit.
 */
export function AddBackendForm({
  serviceId,
  existingAddresses,
  strategy,
  existing,
}: {
  serviceId: number;
  existingAddresses: readonly string[];
  /** The service's strategy and backends, for the warnings shown while typing (form-warnings.ts). */
  strategy: StrategyName;
  existing: readonly WarnBackend[];
}) {
  const id = useId();
  const [kind, setKind] = useState<Kind>('address');
  const [address, setAddress] = useState('');
  const [groupName, setGroupName] = useState('');
  const [groupPort, setGroupPort] = useState('');
  const [weight, setWeight] = useState(String(BACKEND_DEFAULTS.weight));
  const [maxConnections, setMaxConnections] = useState('');
  const [backup, setBackup] = useState(false);
  const [agentPort, setAgentPort] = useState('');
  // '' = the service's (the API's null).
  const [proxyProtocol, setProxyProtocol] = useState<ProxyProtocolMode | ''>('');
  const [touched, setTouched] = useState({ address: false, weight: false, maxConnections: false });
  const [serverError, setServerError] = useState<{ field: Field; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [warnings, setWarnings] = useState<readonly ApiWarning[]>([]);

  const discover = kind === 'address' ? null : discoverFrom(kind, groupName, groupPort);
  const targetError = kind === 'address' ? validateBackendAddress(address, existingAddresses) : discover && !discover.ok ? discover.reason : null;
  const addressError = touched.address ? targetError : null;
  const parsedWeight = parseWeight(weight);
  const weightError = touched.weight && !parsedWeight.ok ? parsedWeight.reason : null;
  const shownAddressError = addressError ?? (serverError?.field === 'address' ? serverError.message : null);
  const shownWeightError = weightError ?? (serverError?.field === 'weight' ? serverError.message : null);
  const parsedMax = parseMaxConnections(maxConnections);
  const maxError = touched.maxConnections && !parsedMax.ok ? parsedMax.reason : null;
  const shownMaxError = maxError ?? (serverError?.field === 'maxConnections' ? serverError.message : null);
  // Empty: the service's agent check (if any); the interval is the default.
  const parsedAgent = parseAgentForm({ agentPort, agentIntervalMs: String(AGENT_CHECK_DEFAULTS.intervalMs) });
  const shownAgentError = !parsedAgent.ok ? parsedAgent.reason : serverError?.field === 'agentCheck.port' ? serverError.message : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched({ address: true, weight: true, maxConnections: true });
    if (targetError || !parsedWeight.ok || !parsedMax.ok || !parsedAgent.ok) return;
    setBusy(true);
    setServerError(null);
    setWarnings([]);
    try {
      let notes: readonly ApiWarning[] = [];
      // The store keeps the backend as read; the warnings belong to this add only.
      const created = await backendChanged(async () => {
        const { warnings: answered, ...backend } = await addBackend(serviceId, {
          ...(discover?.ok ? { discover: discover.value } : { address: address.trim() }),
          weight: parsedWeight.value,
          ...(parsedMax.value > 0 ? { maxConnections: parsedMax.value } : {}),
          ...(backup ? { backup } : {}),
          ...(parsedAgent.value !== null ? { agentCheck: parsedAgent.value } : {}),
          ...(proxyProtocol !== '' ? { proxyProtocol } : {}),
        });
        notes = answered ?? [];
        return backend;
      });
      setWarnings(notes);
      if (notes.length > 0) showToast('info', `Backend ${created.address} added, with ${notes.length === 1 ? 'a warning' : `${notes.length} warnings`} (see below the form).`);
      else showToast('success', kind === 'address' ? `Backend ${created.address} added.` : `DNS group ${created.address} added.`);
      setAddress('');
      setGroupName('');
      setGroupPort('');
      setWeight(String(BACKEND_DEFAULTS.weight));
      setMaxConnections('');
      setBackup(false);
      setAgentPort('');
      setProxyProtocol('');
      setTouched({ address: false, weight: false, maxConnections: false });
    } catch (error) {
      const field: Field =
        error instanceof ApiError && error.field !== undefined && error.field.startsWith('discover')
          ? 'address'
          : error instanceof ApiError && error.field !== undefined && FIELDS.includes(error.field)
          ? (error.field as Field)
          : error instanceof ApiError && (error.code === 'INVALID_ADDRESS' || error.code === 'DUPLICATE_BACKEND')
            ? 'address'
            : 'form';
      setServerError({ field, message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  // While typing, before anything is sent: the server's own warnings come with its answer.
  const hints =
    kind === 'address' && targetError === null && parsedWeight.ok ? addBackendWarnings(strategy, { address: address.trim(), weight: parsedWeight.value }, existing) : [];

  return (
    <form className="add-backend" onSubmit={submit} noValidate aria-label="Add backend" data-testid="add-backend-form">
      <div className="field add-backend-kind">
        <label className="field-label" htmlFor={`${id}-kind`}>
          Kind
        </label>
        <select
          id={`${id}-kind`}
          className="input"
          value={kind}
          data-testid="backend-kind"
          onChange={(e) => {
            setKind(e.target.value as Kind);
            setTouched((t) => ({ ...t, address: false }));
            setServerError(null);
          }}
        >
          <option value="address">Address</option>
          <option value="dns">DNS name (A/AAAA)</option>
          <option value="srv">DNS SRV name</option>
        </select>
      </div>
      {kind === 'address' ? (
        <FormField id={`${id}-address`} label="Backend address" className="add-backend-address" error={shownAddressError ?? undefined} errorTestId="address-error">
          <input
            className="input mono"
            placeholder="10.0.0.5:6379"
            autoComplete="off"
            spellCheck={false}
            value={address}
            onChange={(e) => {
              setAddress(e.target.value);
              setWarnings([]);
              if (serverError?.field === 'address') setServerError(null);
            }}
            onBlur={() => address && setTouched((t) => ({ ...t, address: true }))}
          />
        </FormField>
      ) : (
        <div className="field add-backend-address">
          <label className="field-label" htmlFor={`${id}-name`}>
            {kind === 'srv' ? 'SRV name' : 'Host name'}
          </label>
          <div className="row-actions">
            <input
              id={`${id}-name`}
              className="input mono"
              placeholder={kind === 'srv' ? '_redis._tcp.internal' : 'redis.internal'}
              autoComplete="off"
              spellCheck={false}
              value={groupName}
              data-testid="discover-name"
              aria-invalid={shownAddressError ? true : undefined}
              aria-describedby={shownAddressError ? `${id}-address-error` : undefined}
              onChange={(e) => {
                setGroupName(e.target.value);
                if (serverError?.field === 'address') setServerError(null);
              }}
              onBlur={() => groupName && setTouched((t) => ({ ...t, address: true }))}
            />
            {kind === 'dns' ? (
              <input
                className="input num"
                inputMode="numeric"
                placeholder="port"
                aria-label="Members' port"
                value={groupPort}
                data-testid="discover-port"
                onChange={(e) => {
                  setGroupPort(e.target.value);
                  if (serverError?.field === 'address') setServerError(null);
                }}
              />
            ) : null}
          </div>
          {shownAddressError ? (
            <p id={`${id}-address-error`} className="field-error" role="alert" data-testid="address-error">
              {shownAddressError}
            </p>
          ) : null}
        </div>
      )}
      <FormField id={`${id}-weight`} label="Weight" className="add-backend-weight" error={shownWeightError ?? undefined} errorTestId="weight-error">
        <input
          className="input num"
          inputMode="numeric"
          value={weight}
          onChange={(e) => {
            setWeight(e.target.value);
            setTouched((t) => ({ ...t, weight: true }));
            if (serverError?.field === 'weight') setServerError(null);
          }}
        />
      </FormField>
      <FormField id={`${id}-max`} label="Max connections" className="add-backend-max" error={shownMaxError ?? undefined} errorTestId="max-connections-error">
        <input
          className="input num"
          inputMode="numeric"
          placeholder="no limit"
          value={maxConnections}
          onChange={(e) => {
            setMaxConnections(e.target.value);
            setTouched((t) => ({ ...t, maxConnections: true }));
            if (serverError?.field === 'maxConnections') setServerError(null);
          }}
        />
      </FormField>
      <FormField id={`${id}-agent`} label="Agent port" className="add-backend-agent" error={shownAgentError ?? undefined} errorTestId="agent-port-error">
        <input
          className="input num"
          inputMode="numeric"
          placeholder="service's"
          title="Its own agent check: the port of an agent on the backend's host (empty = the service's)"
          value={agentPort}
          onChange={(e) => {
            setAgentPort(e.target.value);
            if (serverError?.field === 'agentCheck.port') setServerError(null);
          }}
        />
      </FormField>
      <FormField id={`${id}-proxy`} label="PROXY protocol" className="add-backend-proxy" error={serverError?.field === 'proxyProtocol' ? serverError.message : undefined}>
        <select
          className="select"
          title="The PROXY protocol header this backend expects (service's = the service's setting)"
          value={proxyProtocol}
          onChange={(e) => setProxyProtocol(e.target.value as ProxyProtocolMode | '')}
        >
          <option value="">service&apos;s</option>
          {PROXY_MODES.map((m) => (
            <option key={m} value={m}>
              {PROXY_MODE_TEXT[m]}
            </option>
          ))}
        </select>
      </FormField>
      <label className="checkbox add-backend-backup">
        <input type="checkbox" checked={backup} onChange={(e) => setBackup(e.target.checked)} />
        Backup
      </label>
      <button type="submit" className="btn btn-primary add-backend-submit" disabled={busy}>
        {busy ? <span className="spinner" aria-hidden="true" /> : null}
        {kind === 'address' ? 'Add backend' : 'Add DNS group'}
      </button>
      <FormWarnings warnings={hints} className="add-backend-warnings" testId="add-backend-hints" />
      {warnings.length > 0 ? (
        <ul className="add-backend-warnings" role="status" data-testid="add-backend-warnings">
          {warnings.map((w) => (
            <li key={`${w.code}:${w.field}`} data-code={w.code}>
              {messageForField(w.message, w.field)}
            </li>
          ))}
        </ul>
      ) : null}
      {serverError?.field === 'form' ? (
        <p className="field-error add-backend-form-error" role="alert" data-testid="add-backend-error">
          {serverError.message}
        </p>
      ) : null}
    </form>
  );
}
