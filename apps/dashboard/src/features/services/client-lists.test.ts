import { describe, expect, it } from 'vitest';
import { noRejections } from '@fulcrum/shared/enums';
import { listSummary, rejectedByReasonText } from './client-lists.ts';

describe('client list texts', () => {
  it('summarizes a list in one line', () => {
    expect(listSummary([], 'all')).toBe('all');
    expect(listSummary(['10.0.0.0/8', '::1'], '')).toBe('10.0.0.0/8, ::1');
    expect(listSummary(['a', 'b', 'c', 'd'], '')).toBe('a, b and 2 more');
  });
  it('names the non-zero reasons only', () => {
    const none = noRejections();
    expect(rejectedByReasonText(none, String)).toBe('');
    expect(rejectedByReasonText({ ...none, denied: 3 }, String)).toBe('3 denied');
    expect(rejectedByReasonText({ ...none, denied: 1, 'proxy-untrusted': 2, 'proxy-timeout': 4 }, String)).toBe('1 denied · 2 not a PROXY sender · 4 PROXY header timeout');
    expect(rejectedByReasonText({ ...none, denied: 3, perClientRate: 2, clientTableFull: 1 }, String)).toBe('3 denied · 2 over rate per client · 1 client table full');
    expect(rejectedByReasonText({ ...none, perClientConnections: 4, serviceRate: 5 }, String)).toBe('4 over connections per client · 5 over service rate');
    expect(rejectedByReasonText({ ...none, sniNoRoute: 2 }, String)).toBe('2 no SNI route');
    expect(rejectedByReasonText(undefined, String)).toBe('');
  });
});
