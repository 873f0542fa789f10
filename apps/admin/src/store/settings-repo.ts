// Repository of small key/value settings owned by the admin (not service config).
import type { Database } from 'better-sqlite3';

export type SettingsRepo = ReturnType<typeof createSettingsRepo>;

/** Builds the settings repository over `db`. */
export function createSettingsRepo(db: Database) {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const set = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const remove = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  return {
    get: (key: string): string | undefined => get.get(key)?.value,
    set: (key: string, value: string): void => {
      set.run(key, value);
    },
    delete: (key: string): void => {
      remove.run(key);
    },
  };
}
