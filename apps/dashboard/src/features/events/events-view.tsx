import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EventDto } from '@fulcrum/shared/api';
import { EVENT_KINDS } from '@fulcrum/shared/event-kinds';
import { EVENT_QUERY_LIMITS } from '@fulcrum/shared/limits';
import { EmptyState } from '../../components/empty-state.tsx';
import { errorMessage } from '../../lib/api-client.ts';
import { useAppStore } from '../../store/app-store.ts';
import { mergeEvents } from '../../store/events-slice.ts';
import { collapseBursts } from './event-bursts.ts';
import { ExportButtons } from './export-buttons.tsx';
import { EMPTY_FILTER, TIME_RANGES, filterParams, matchesParams } from './event-filter.ts';
import type { EventFilter, TimeRange } from './event-filter.ts';
import { EventBurstItem } from './event-item.tsx';
import { useRevertDialog } from './revert-dialog.tsx';
import { fetchEvents } from './events-api.ts';

const PAGE = 100;
/** The search box waits this long after the last keystroke before asking the server. */
const SEARCH_DEBOUNCE_MS = 300;
/** Events shown at most (paging further back adds pages up to this). */
const VIEW_CAPACITY = 2000;

interface Results {
  events: EventDto[];
  nextBefore: number | string | null;
  loading: boolean;
  error: string | null;
}

/** The whole event log: filter by kind, service, actor and time, search the messages, export what is selected. */
export function EventsView() {
  const { live, services } = useAppStore(useShallow((s) => ({ live: s.events, services: s.services })));
  const names = useMemo(() => new Map(services.map((s) => [s.id, s.name])), [services]);
  const [onRevert, revertDialog] = useRevertDialog(names);
  const [filter, setFilter] = useState<EventFilter>(EMPTY_FILTER);
  const [search, setSearch] = useState('');
  const [results, setResults] = useState<Results>({ events: [], nextBefore: null, loading: true, error: null });
  const set = (patch: Partial<EventFilter>) => setFilter((f) => ({ ...f, ...patch }));

  useEffect(() => {
    const timer = setTimeout(() => setFilter((f) => (f.q === search ? f : { ...f, q: search })), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  // Relative ranges ("last hour") are resolved when the filter changes.
  const params = useMemo(() => filterParams(filter), [filter]);
  const paramsKey = JSON.stringify(params);
  useEffect(() => {
    const abort = new AbortController();
    setResults((r) => ({ ...r, loading: true, error: null }));
    fetchEvents(PAGE, null, params, abort.signal).then(
      (page) => setResults({ events: page.events, nextBefore: page.nextBefore, loading: false, error: null }),
      (err: unknown) => {
        if (!abort.signal.aborted) setResults({ events: [], nextBefore: null, loading: false, error: errorMessage(err) });
      },
    );
    return () => abort.abort();
    // Keyed by the parameters' text: an edit that changes no parameter (half a date) fetches nothing.
  }, [paramsKey]);

  // Live pushes newer than what the server listed join the results when they match the filter.
  const newestId = useRef(0);
  newestId.current = results.events[0]?.id ?? 0;
  const shown = useMemo(() => {
    if (results.loading) return results.events;
    const fresh = live.filter((e) => e.id > newestId.current && matchesParams(e, params));
    return mergeEvents(results.events, fresh, VIEW_CAPACITY);
  }, [live, results, params]);
  const bursts = useMemo(() => collapseBursts(shown), [shown]);
  const actors = useMemo(() => [...new Set([...live, ...results.events].map((e) => e.actor))].sort(), [live, results.events]);

  async function older() {
    const before = results.nextBefore;
    if (before == null) return;
    setResults((r) => ({ ...r, loading: true }));
    try {
      const page = await fetchEvents(PAGE, before, params);
      setResults((r) => ({ events: mergeEvents(r.events, page.events, VIEW_CAPACITY), nextBefore: page.nextBefore, loading: false, error: null }));
    } catch (err) {
      setResults((r) => ({ ...r, loading: false, error: errorMessage(err) }));
    }
  }

  const filtered = paramsKey !== '{}';
  return (
    <section className="panel events events-view" aria-labelledby="events-view-title" data-testid="events-view">
      <div className="panel-head">
        <div>
          <h2 id="events-view-title">Events</h2>
          <p>The audit log, health transitions and the admin&apos;s own starts and stops. Bursts of the same event collapse (×N).</p>
        </div>
        <ExportButtons params={params} names={names} />
      </div>
      <form className="events-filters" role="search" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span className="field-label">Search</span>
          <input
            className="input"
            type="search"
            value={search}
            maxLength={EVENT_QUERY_LIMITS.searchMaxLength}
            placeholder="text in the message"
            data-testid="events-search"
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">Kind</span>
          <select className="select" value={filter.kind} data-testid="events-kind" onChange={(e) => set({ kind: e.target.value })}>
            <option value="">every kind</option>
            {EVENT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Service</span>
          <select className="select" value={filter.serviceId} data-testid="events-service" onChange={(e) => set({ serviceId: e.target.value })}>
            <option value="">every service</option>
            {services.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Actor</span>
          <input className="input" list="events-actors" value={filter.actor} placeholder="anyone" data-testid="events-actor" maxLength={64} onChange={(e) => set({ actor: e.target.value })} />
          <datalist id="events-actors">
            {actors.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span className="field-label">Time</span>
          <select className="select" value={filter.range} data-testid="events-range" onChange={(e) => set({ range: e.target.value as TimeRange })}>
            {TIME_RANGES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        {filter.range === 'custom' ? (
          <>
            <label className="field">
              <span className="field-label">From</span>
              <input className="input" type="datetime-local" value={filter.from} data-testid="events-from" onChange={(e) => set({ from: e.target.value })} />
            </label>
            <label className="field">
              <span className="field-label">To</span>
              <input className="input" type="datetime-local" value={filter.to} data-testid="events-to" onChange={(e) => set({ to: e.target.value })} />
            </label>
          </>
        ) : null}
        <button
          type="button"
          className="btn btn-sm events-clear"
          disabled={!filtered && search === ''}
          onClick={() => {
            setSearch('');
            setFilter(EMPTY_FILTER);
          }}
        >
          Clear filters
        </button>
      </form>
      <p className="events-count muted small" role="status" data-testid="events-count">
        {results.loading ? 'Loading…' : `${shown.length}${results.nextBefore != null ? '+' : ''} ${shown.length === 1 ? 'event' : 'events'}${filtered ? ' match' : ''}`}
      </p>
      {results.error ? <p className="field-error panel-body">{results.error}</p> : null}
      {!results.loading && shown.length === 0 && !results.error ? (
        <EmptyState title={filtered ? 'No event matches' : 'No events yet'}>{filtered ? 'Change or clear the filters.' : 'Changes and health transitions show up here as they happen.'}</EmptyState>
      ) : (
        <ol className="event-list event-list-tall" data-testid="events-results" aria-label="Matching events, newest first" tabIndex={0}>
          {bursts.map((burst) => (
            <EventBurstItem key={burst.events.at(-1)!.id} burst={burst} names={names} onRevert={onRevert} />
          ))}
        </ol>
      )}
      {results.nextBefore != null && shown.length < VIEW_CAPACITY ? (
        <div className="panel-foot events-foot">
          <button type="button" className="btn btn-sm" onClick={() => void older()} disabled={results.loading}>
            Load older events
          </button>
        </div>
      ) : null}
      {revertDialog}
    </section>
  );
}
