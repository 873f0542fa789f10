import { describe, expect, it } from 'vitest';
import { checkSniText, sniSummary, sniToText, textToSni } from './sni-names.ts';

describe('SNI names in the service form', () => {
  it('round-trips: one name per line, empty = null (no SNI routing)', () => {
    expect(textToSni(' db1.example.com \n\n*.cache.example.com')).toEqual(['db1.example.com', '*.cache.example.com']);
    expect(textToSni('  \n')).toBeNull();
    expect(sniToText(null)).toBe('');
    expect(sniToText(['a.example', 'b.example'])).toBe('a.example\nb.example');
  });

  it('names the bad line with the admin rules', () => {
    expect(checkSniText('ok.example.com\nbad_name.example.com')).toMatch(/^Line 2: /);
    expect(checkSniText('a.*.example.com')).toMatch(/^Line 1: /);
    expect(checkSniText('x.example.com\nX.example.com')).toMatch(/^Line 2: .*twice/);
    expect(checkSniText('')).toBeNull();
    expect(checkSniText('*.cache.example.com')).toBeNull();
  });

  it('summarizes', () => {
    expect(sniSummary(null)).toBeNull();
    expect(sniSummary(['a', 'b', 'c'])).toBe('a, b and 1 more');
  });
});
