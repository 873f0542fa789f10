import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { STRATEGIES } from '@fulcrum/shared/strategies';
import type { ServiceDto } from '@fulcrum/shared/api';
import { formatByteRate, formatCount } from '../../lib/format.ts';
import { selectService, showView } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { serviceRatesById, serviceStatsById } from '../../store/selectors.ts';
import { countBackends, serviceHealth, throughput, upText } from './service-summary.ts';

const STRATEGY_LABEL = new Map<string, string>(STRATEGIES.map((s) => [s.name, s.label]));

/** The service selector: every service with listen address, strategy, health and live load. */
export function ServiceList({ onCreate }: { onCreate: () => void }) {
  // While the cluster view is open no service is the current page.
  const { services, selectedId, loaded, overview, events } = useAppStore(
    useShallow((s) => ({
      services: s.services,
      selectedId: s.view === 'service' ? s.selectedServiceId : null,
      loaded: s.servicesLoaded,
      overview: s.view === 'overview',
      events: s.view === 'events',
    })),
  );
  return (
    <nav className="service-nav" aria-label="Services">
      <div className="service-nav-head">
        <h2>
          Services <span className="count-pill">{services.length}</span>
        </h2>
        <button type="button" className="btn btn-sm" onClick={onCreate} aria-label="New service" title="Create a service">
          + New
        </button>
      </div>
      <button
        type="button"
        className={`overview-link${overview ? ' is-selected' : ''}`}
        aria-current={overview ? 'page' : undefined}
        data-testid="overview-link"
        onClick={() => showView('overview')}
      >
        All services
        <span className="muted small">overview</span>
      </button>
      <button
        type="button"
        className={`overview-link${events ? ' is-selected' : ''}`}
        aria-current={events ? 'page' : undefined}
        data-testid="events-link"
        onClick={() => showView('events')}
      >
        Events
        <span className="muted small">search, export</span>
      </button>
      {!loaded ? (
        <p className="muted service-nav-empty">Loading…</p>
      ) : services.length === 0 ? (
        <p className="muted service-nav-empty">No services yet. Create one to start balancing.</p>
      ) : (
        <ul className="service-items" data-testid="service-list">
          {services.map((service) => (
            <ServiceItem key={service.id} service={service} selected={service.id === selectedId} />
          ))}
        </ul>
      )}
    </nav>
  );
}

const ServiceItem = memo(function ServiceItem({ service, selected }: { service: ServiceDto; selected: boolean }) {
  // Primitives only, so an item re-renders when its numbers change, not on every sample.
  const active = useAppStore((s) => serviceStatsById(service.id)(s)?.active);
  const bytesPerSec = useAppStore((s) => throughput(serviceRatesById(service.id)(s)));
  const counts = useAppStore(
    useShallow((s) => {
      const stats = serviceStatsById(service.id)(s);
      return { ...countBackends(service, stats), hasStats: stats !== undefined };
    }),
  );
  const health = serviceHealth(counts, counts.hasStats);
  return (
    <li>
      <button
        type="button"
        className={`service-item${selected ? ' is-selected' : ''}`}
        aria-current={selected ? 'page' : undefined}
        data-testid={`service-item-${service.name}`}
        onClick={() => selectService(service.id)}
      >
        <span className="service-item-top">
          <span className={`health-dot health-${health} live`} title={`Health: ${health}`} aria-hidden="true" />
          <span className="service-item-name">{service.name}</span>
          <span className={`service-item-up num up-${health} live`} title="Serving backends (enabled and healthy) / configured backends">
            {upText(counts)}
          </span>
        </span>
        <span className="service-item-meta">
          <span className="mono">{service.listen}</span>
          <span className="dot-sep" aria-hidden="true">
            ·
          </span>
          <span>{STRATEGY_LABEL.get(service.strategy) ?? service.strategy}</span>
        </span>
        <span className="service-item-live num live">
          <span title="Active connections">
            <b>{formatCount(active)}</b> conns
          </span>
          <span title="Throughput, both directions">{formatByteRate(bytesPerSec)}</span>
        </span>
      </button>
    </li>
  );
});
