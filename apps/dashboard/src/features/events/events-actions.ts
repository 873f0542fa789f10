import { errorMessage } from '../../lib/api-client.ts';
import { eventsReceived, showToast } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { fetchEvents } from './events-api.ts';

/** Loads the newest page (on start and after a reconnect, to fill what was missed). */
export async function loadRecentEvents(): Promise<void> {
  try {
    const page = await fetchEvents(50);
    // Keep an older cursor if "load older" already went further back.
    const keepCursor = useAppStore.getState().eventsLoaded;
    eventsReceived(page.events, keepCursor ? undefined : page.nextBefore);
  } catch (error) {
    showToast('error', `Could not load events: ${errorMessage(error)}`);
  }
}

/** Loads the page before the oldest event shown. */
export async function loadOlderEvents(): Promise<void> {
  const before = useAppStore.getState().eventsNextBefore;
  if (before == null) return;
  const page = await fetchEvents(50, before);
  eventsReceived(page.events, page.nextBefore);
}
