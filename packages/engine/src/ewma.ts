/** Exponentially weighted moving average step: `alpha` is the weight of the new sample. */
export function ewma(previous: number, sample: number, alpha: number): number {
  return previous === 0 ? sample : previous + alpha * (sample - previous);
}
