import { describe, expect, it } from 'vitest';
import type { EventDto } from '@fulcrum/shared/api';
import { parseCsv } from '../../../test/fixtures/csv-reader.ts';
import { csvCell, eventsToCsv, eventsToJson, exportFileName } from './event-export.ts';

const event = (over: Partial<EventDto>): EventDto => ({
  id: 1,
  time: '2026-11-30T14:05:00.000Z',
  kind: 'service-updated',
  actor: 'admin',
  serviceId: 3,
  backendId: null,
  message: 'plain',
  details: {},
  ...over,
});

describe('csvCell', () => {
  it('quotes only what needs it and doubles quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(12)).toBe('12');
    expect(csvCell(null)).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell(' padded ')).toBe('" padded "');
  });

  it.each(['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tTAB', '\rCR', '=HYPERLINK("http://x","y")'])('neutralises a formula-looking cell %j', (text) => {
    const cell = csvCell(text);
    const [[read]] = parseCsv(`${cell}\r\n`) as [[string]];
    expect(read).toBe(`'${text}`);
  });

  it('leaves formula characters alone when they are not first', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('backend 10.0.0.1:6379 is down (fall: 2 × connect refused)')).toBe('backend 10.0.0.1:6379 is down (fall: 2 × connect refused)');
  });
});

describe('eventsToCsv', () => {
  it('writes a header and one row per event that read back to the same values', () => {
    const events = [
      event({ id: 2, message: 'service "cache" updated: strategy: round-robin → least-connections, retries: 1 → 2', details: { changes: { retries: { from: 1, to: 2 } } } }),
      event({ id: 1, kind: 'admin-started', actor: 'system', serviceId: null, message: '=cmd|"/c calc"!A1' }),
    ];
    const csv = eventsToCsv(events, (id) => (id === 3 ? 'cache' : undefined));
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows).toEqual([
      ['id', 'time', 'kind', 'actor', 'service', 'serviceId', 'backendId', 'message', 'details'],
      ['2', '2026-11-30T14:05:00.000Z', 'service-updated', 'admin', 'cache', '3', '', events[0]!.message, '{"changes":{"retries":{"from":1,"to":2}}}'],
      ['1', '2026-11-30T14:05:00.000Z', 'admin-started', 'system', '', '', '', `'=cmd|"/c calc"!A1`, '{}'],
    ]);
  });
});

describe('eventsToJson', () => {
  it('keeps the events as the API gives them, with the filter and whether the export was cut', () => {
    const events = [event({ id: 5 })];
    const doc = JSON.parse(eventsToJson(events, { exportedAt: '2026-11-30T14:06:00.000Z', filter: { kind: 'service-updated' }, truncated: true })) as Record<string, unknown>;
    expect(doc).toEqual({ exportedAt: '2026-11-30T14:06:00.000Z', filter: { kind: 'service-updated' }, truncated: true, count: 1, events });
  });
});

it('names the file after the time, without characters file systems dislike', () => {
  expect(exportFileName(new Date('2026-11-30T14:05:07.123Z'), 'csv')).toBe('fulcrum-events-2026-11-30T14-05-07Z.csv');
});
