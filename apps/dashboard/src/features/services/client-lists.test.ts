import { zeroRejectedByReason } from '@fulcrum/shared/enums';
import { describe, expect, it } from 'vitest';
import { listSummary, rejectedByReasonText } from './client-lists.ts';

describe('client list texts', () => {
  it('summarizes a list in one line', () => {
    expect(listSummary([], 'all')).toBe('all');
    expect(listSummary(['10.0.0.0/8', '::1'], '')).toBe('10.0.0.0/8, ::1');
    expect(listSummary(['a', 'b', 'c', 'd'], '')).toBe('a, b and 2 more');
  });
  it('names the non-zero reasons only', () => {
    expect(rejectedByReasonText({ ...zeroRejectedByReason(), denied: 0 }, String)).toBe('');
    expect(rejectedByReasonText({ ...zeroRejectedByReason(), denied: 3 }, String)).toBe('3 denied');
    expect(rejectedByReasonText(undefined, String)).toBe('');
  });
});
