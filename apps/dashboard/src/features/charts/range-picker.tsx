import { CHART_RANGES, type ChartRange } from './history-rows.ts';

/** Live or a stored range: a group of toggle buttons (one pressed), reachable by keyboard. */
export function RangePicker({ value, onChange }: { value: ChartRange; onChange: (range: ChartRange) => void }) {
  return (
    <div className="range-picker" role="group" aria-label="Time range" data-testid="range-picker">
      {CHART_RANGES.map((r) => (
        <button
          key={r.value}
          type="button"
          className={`btn btn-sm${r.value === value ? ' is-active' : ''}`}
          aria-pressed={r.value === value}
          data-testid={`range-${r.value}`}
          onClick={() => onChange(r.value)}
        >
          {r.label}
        </button>
      ))}
    </div>
  );
}
