import { describe, expect, it } from 'vitest';
import { listSummary, rejectedByReasonText } from './client-lists.ts';

describe('client list texts', () => {
  it('summarizes a list in one line', () => {
    expect(listSummary([], 'all')).toBe('all');
    expect(listSummary(['10.0.0.0/8', '::1'], '')).toBe('10.0.0.0/8, ::1');
    expect(listSummary(['a', 'b', 'c', 'd'], '')).toBe('a, b and 2 more');
  });
  it('names the non-zero reasons only', () => {
    expect(rejectedByReasonText({ denied: 0, 'proxy-untrusted': 0, 'proxy-invalid': 0, 'proxy-timeout': 0 }, String)).toBe('');
    expect(rejectedByReasonText({ ...{ denied: 0, 'proxy-untrusted': 0, 'proxy-invalid': 0, 'proxy-timeout': 0 }, denied: 3 }, String)).toBe('3 denied');
    expect(rejectedByReasonText({ denied: 1, 'proxy-untrusted': 2, 'proxy-invalid': 0, 'proxy-timeout': 4 }, String)).toBe('1 denied · 2 not a PROXY sender · 4 PROXY header timeout');
    expect(rejectedByReasonText(undefined, String)).toBe('');
  });
});
