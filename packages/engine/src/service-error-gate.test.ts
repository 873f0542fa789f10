import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ServiceErrorGate } from './service-error-gate.ts';

let clock = 0;
let reports: string[] = [];
const gate = () => new ServiceErrorGate((id, code, message) => reports.push(`${id} ${code} ${message}`), 1000, () => clock);

beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
  reports = [];
});
afterEach(() => {
  vi.useRealTimers();
});

/** Moves the gate's clock and its timers together. */
function advance(ms: number): void {
  clock += ms;
  vi.advanceTimersByTime(ms);
}

it('a storm is the first occurrence at once, then one summary at the end of the window', () => {
  const g = gate();
  for (let i = 0; i < 5000; i++) g.add(1, 'EMFILE', `accept ${i}`);
  expect(reports).toEqual(['1 EMFILE accept 0']);
  advance(999);
  expect(reports).toHaveLength(1);
  advance(1);
  expect(reports).toEqual(['1 EMFILE accept 0', '1 EMFILE accept 4999 (4999 more in the last 1 s)']);
  // The summary opened a new window: the storm going on costs one report per window.
  g.add(1, 'EMFILE', 'still');
  expect(reports).toHaveLength(2);
  advance(1000);
  expect(reports.at(-1)).toBe('1 EMFILE still (1 more in the last 1 s)');
});

it('each service and code has its own window; a quiet window means the next one reports at once', () => {
  const g = gate();
  g.add(1, 'EMFILE', 'a');
  g.add(2, 'EMFILE', 'b');
  g.add(1, 'ENOBUFS', 'c');
  expect(reports).toEqual(['1 EMFILE a', '2 EMFILE b', '1 ENOBUFS c']);
  advance(5000);
  expect(reports).toHaveLength(3);
  g.add(1, 'EMFILE', 'd');
  expect(reports.at(-1)).toBe('1 EMFILE d');
});

it('close() drops pending summaries', () => {
  const g = gate();
  g.add(1, 'EMFILE', 'a');
  g.add(1, 'EMFILE', 'b');
  g.close();
  advance(5000);
  expect(reports).toEqual(['1 EMFILE a']);
});
