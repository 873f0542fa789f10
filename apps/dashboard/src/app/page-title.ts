// The browser tab names what the console shows: "cache · Fulcrum" for a service, so an operator
// with several tabs (or a bookmark, or a screenshot) knows which one is which.
import { useEffect } from 'react';
import type { MainView } from '../store/ui-slice.ts';

/** The document title for a view: the service's name, or the view's, then the product. */
export function pageTitle(view: MainView, serviceName: string | undefined): string {
  if (view === 'service' && serviceName !== undefined) return `${serviceName} · Fulcrum`;
  if (view === 'cluster') return 'Cluster · Fulcrum';
  if (view === 'events') return 'Events · Fulcrum';
  return 'Overview · Fulcrum';
}

/** Keeps document.title in step with the view. */
export function usePageTitle(view: MainView, serviceName: string | undefined): void {
  useEffect(() => {
    document.title = pageTitle(view, serviceName);
  }, [view, serviceName]);
}
