import { useState } from 'react';
import { EVENT_QUERY_LIMITS } from '@fulcrum/shared/limits';
import { errorMessage } from '../../lib/api-client.ts';
import { showToast } from '../../store/actions.ts';
import { eventsToCsv, eventsToJson, exportFileName } from './event-export.ts';
import { fetchForExport } from './events-api.ts';

/** Hands `text` to the browser as a download named `name`. */
function download(text: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started reading the blob; give it a moment before freeing it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "Export CSV" and "Export JSON": every event the filter selects, up to EVENT_QUERY_LIMITS.exportMaxRows. */
export function ExportButtons({ params, names }: { params: Readonly<Record<string, string>>; names: ReadonlyMap<number, string> }) {
  const [busy, setBusy] = useState(false);
  async function run(format: 'csv' | 'json') {
    setBusy(true);
    try {
      const at = new Date();
      const { events, truncated } = await fetchForExport(params);
      const text =
        format === 'csv'
          ? eventsToCsv(events, (id) => names.get(id))
          : eventsToJson(events, { exportedAt: at.toISOString(), filter: { ...params }, truncated });
      download(text, exportFileName(at, format), format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json');
      if (truncated) showToast('info', `Exported the newest ${EVENT_QUERY_LIMITS.exportMaxRows} events; narrow the filter for older ones.`);
    } catch (err) {
      showToast('error', `Could not export events: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="events-export" title={`Everything the filter selects, newest first, at most ${EVENT_QUERY_LIMITS.exportMaxRows} events`}>
      <button type="button" className="btn btn-sm" disabled={busy} data-testid="events-export-csv" onClick={() => void run('csv')}>
        Export CSV
      </button>
      <button type="button" className="btn btn-sm" disabled={busy} data-testid="events-export-json" onClick={() => void run('json')}>
        Export JSON
      </button>
    </div>
  );
}
