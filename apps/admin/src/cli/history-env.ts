// FULCRUM_HISTORY_BUCKET_MS: a test-only setting, so integration and browser tests see history
// points within a second instead of waiting for 10 s buckets. Not an operator setting: the
// retention, the API's steps and the docs assume 10 s.
import type { HistoryOptions } from '../history/history-service.ts';

export const HISTORY_BUCKET_ENV = 'FULCRUM_HISTORY_BUCKET_MS';

/** The history settings the environment asks for (none unless the test-only variable is set). */
export function historyTestSettings(env: NodeJS.ProcessEnv): { history?: HistoryOptions } {
  const raw = env[HISTORY_BUCKET_ENV];
  if (raw === undefined || raw === '') return {};
  if (!/^[1-9]\d{1,4}$/.test(raw) || Number(raw) < 50 || Number(raw) > 10_000) {
    throw new Error(`${HISTORY_BUCKET_ENV} (test-only) must be an integer from 50 to 10000, got ${JSON.stringify(raw)}`);
  }
  return { history: { bucketMs: Number(raw) } };
}
