// Y-axis ticks that read well: 0, 20, 40… for counts and 0, 256 KB, 512 KB… for bytes (the
// byte formatter is binary, so decimal ticks would print as "781 KB/s").

const MULTIPLIERS = [1, 2, 2.5, 5];

/**
 * Evenly spaced ticks from 0 covering `max` with at most `maxTicks` intervals. `base` 1024
 * makes steps powers-of-1024 multiples (for bytes); 1000 is for everything else.
 */
export function niceTicks(max: number, base: 1000 | 1024 = 1000, maxTicks = 4): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  let unit = 1;
  if (base === 1024) while (max / unit >= 1024) unit *= 1024;
  const scaled = max / unit;
  let magnitude = 10 ** Math.floor(Math.log10(scaled / maxTicks));
  let step = magnitude;
  for (;;) {
    const found = MULTIPLIERS.find((m) => m * magnitude * maxTicks >= scaled);
    if (found !== undefined) {
      step = found * magnitude;
      break;
    }
    magnitude *= 10;
  }
  // Counts are whole numbers: never a 0.5 step.
  if (base === 1000 && unit === 1 && step < 1) step = 1;
  const ticks: number[] = [];
  for (let v = 0; v < scaled + step * 0.999; v += step) ticks.push(Math.round(v * unit * 1000) / 1000);
  if (ticks.length < 2) ticks.push(step * unit);
  return ticks;
}

/** Largest value any row reaches: the stack total for stacked charts, else the largest series value. */
export function chartMax(rows: ReadonlyArray<Record<string, number | null>>, keys: readonly string[], stacked: boolean): number {
  let max = 0;
  for (const row of rows) {
    let sum = 0;
    for (const key of keys) {
      const v = row[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      if (stacked) sum += v;
      else if (v > max) max = v;
    }
    if (stacked && sum > max) max = sum;
  }
  return max;
}
