// Number formatting for an ops console: short, tabular, and never "NaN".

const DASH = '—';

function trim(value: number, digits: number): string {
  // 1.0k reads worse than 1k; keep one decimal only when it carries information.
  const fixed = value.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** Counts: 999, 1.2k, 34k, 1.5M, 2.1G. */
export function formatCount(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs < 1000) return sign + trim(abs, abs < 10 && !Number.isInteger(abs) ? 1 : 0);
  const units: Array<[number, string]> = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size * 0.9995) {
      const scaled = abs / size;
      return sign + trim(scaled, scaled < 10 ? 1 : 0) + unit;
    }
  }
  return sign + String(Math.round(abs));
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Bytes in binary multiples (1 KB = 1024 B), like HAProxy's and nginx's stats pages. */
export function formatBytes(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return DASH;
  const sign = value < 0 ? '-' : '';
  let abs = Math.abs(value);
  let unit = 0;
  while (abs >= 1024 * 0.9995 && unit < BYTE_UNITS.length - 1) {
    abs /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : abs < 10 ? 1 : 0;
  return `${sign}${trim(abs, digits)} ${BYTE_UNITS[unit]}`;
}

/** A byte rate: "1.2 MB/s". */
export function formatByteRate(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond == null || !Number.isFinite(bytesPerSecond)) return DASH;
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** An event rate: "12/s", "1.5k/s". */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond == null || !Number.isFinite(perSecond)) return DASH;
  return `${formatCount(perSecond)}/s`;
}

/** Durations from milliseconds: "0.4 ms", "12 ms", "1.5 s", "2 m 5 s", "3 h 4 m". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return DASH;
  if (ms < 1) return `${trim(ms, 2)} ms`;
  if (ms < 10) return `${trim(ms, 1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${trim(s, s < 10 ? 1 : 0)} s`;
  const totalS = Math.round(s);
  if (totalS < 3600) {
    const m = Math.floor(totalS / 60);
    const rest = totalS % 60;
    return rest ? `${m} m ${rest} s` : `${m} m`;
  }
  const totalM = Math.round(totalS / 60);
  const h = Math.floor(totalM / 60);
  const rest = totalM % 60;
  return rest ? `${h} h ${rest} m` : `${h} h`;
}

/** Wall-clock time of day, 24 h, with seconds: "14:03:22". */
export function formatClock(time: number | string | Date): string {
  const date = time instanceof Date ? time : new Date(time);
  if (Number.isNaN(date.getTime())) return DASH;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** "just now", "42 s ago", "5 m ago", "3 h ago", or the date for anything older than a day. */
export function formatAgo(time: number | string | Date, now: number = Date.now()): string {
  const date = time instanceof Date ? time : new Date(time);
  const t = date.getTime();
  if (Number.isNaN(t)) return DASH;
  const s = Math.round((now - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return date.toISOString().slice(0, 10);
}
