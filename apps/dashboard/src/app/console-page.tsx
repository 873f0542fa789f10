import { Suspense, lazy, useEffect, useState } from 'react';
import type { ServiceDto } from '@fulcrum/shared/api';
import { EmptyState } from '../components/empty-state.tsx';
import { Toasts } from '../components/toasts.tsx';
import { Logo } from '../features/auth/login-page.tsx';
import { UserMenu } from '../features/auth/user-menu.tsx';
import { BackendsPanel } from '../features/backends/backends-table.tsx';
import { ConnectionsPanel } from '../features/connections/connections-panel.tsx';
import { ClusterStatus } from '../features/cluster/cluster-status.tsx';
import { ClusterView } from '../features/cluster/cluster-view.tsx';
import { EventsFeed } from '../features/events/events-feed.tsx';
import { EventsView } from '../features/events/events-view.tsx';
import { ServicesOverview } from '../features/overview/services-overview.tsx';
import { ConnectionBanner, LiveIndicator } from '../features/live/connection-banner.tsx';
import { ServiceFormDialog } from '../features/services/service-form-dialog.tsx';
import { ServiceHeader } from '../features/services/service-header.tsx';
import { ServiceList } from '../features/services/service-list.tsx';
import { ThemeSwitch } from '../features/theme/theme-switch.tsx';
import { useAppStore } from '../store/app-store.ts';
import { selectStale, serviceById } from '../store/selectors.ts';
import { startConsole, stopConsole } from './console-data.ts';
import { useHashSelection } from './use-hash-selection.ts';
import { usePageTitle } from './page-title.ts';

// recharts is most of the bundle: the charts load after the first screen, in their own chunk.
const ChartsPanel = lazy(() => import('../features/charts/charts-panel.tsx').then((m) => ({ default: m.ChartsPanel })));

type FormState = { open: false } | { open: true; service: ServiceDto | null };

/** The signed-in console: top bar, live banner, service selector, and the overview, the selected service or the cluster view. */
export function ConsolePage() {
  const stale = useAppStore(selectStale);
  const selectedId = useAppStore((s) => s.selectedServiceId);
  const service = useAppStore(serviceById(selectedId));
  const loaded = useAppStore((s) => s.servicesLoaded);
  const view = useAppStore((s) => s.view);
  const hasServices = useAppStore((s) => s.services.length > 0);
  const [form, setForm] = useState<FormState>({ open: false });

  useEffect(() => {
    startConsole();
    return stopConsole;
  }, []);
  useHashSelection();
  usePageTitle(view, service?.name);

  return (
    <div className="console">
      <header className="topbar">
        <div className="brand">
          <Logo />
          <span>Fulcrum</span>
          <span className="brand-sub">L4 load balancer</span>
        </div>
        <div className="topbar-right">
          <ClusterStatus />
          <LiveIndicator />
          <ThemeSwitch />
          <UserMenu />
        </div>
      </header>
      <ConnectionBanner />
      <div className={`layout${stale ? ' is-stale' : ''}`} data-stale={stale ? 'true' : 'false'}>
        <aside className="sidebar">
          <ServiceList onCreate={() => setForm({ open: true, service: null })} />
        </aside>
        <main className="main" id="main">
          {view === 'cluster' ? (
            <ClusterView />
          ) : view === 'events' ? (
            <EventsView />
          ) : view === 'overview' && hasServices ? (
            <ServicesOverview />
          ) : service ? (
            <>
              <ServiceHeader service={service} onEdit={() => setForm({ open: true, service })} />
              <BackendsPanel service={service} />
              <ConnectionsPanel service={service} />
              <Suspense fallback={<section className="panel charts-loading muted">Loading charts…</section>}>
                <ChartsPanel service={service} />
              </Suspense>
            </>
          ) : loaded ? (
            <section className="panel">
              <EmptyState
                title="No services configured"
                action={
                  <button type="button" className="btn btn-primary" onClick={() => setForm({ open: true, service: null })}>
                    Create a service
                  </button>
                }
              >
                A service is one listening port balanced over a set of backends.
              </EmptyState>
            </section>
          ) : (
            <section className="panel">
              <p className="panel-body muted">Loading configuration…</p>
            </section>
          )}
          {view === 'cluster' || view === 'events' ? null : <EventsFeed serviceId={view === 'service' ? selectedId : null} />}
        </main>
      </div>
      <ServiceFormDialog open={form.open} service={form.open ? form.service : null} onClose={() => setForm({ open: false })} />
      <Toasts />
    </div>
  );
}
