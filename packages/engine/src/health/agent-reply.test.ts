import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AGENT_REPLY } from '@fulcrum/shared/limits';
import { isAgentReplyError, parseAgentReply, type AgentReply } from './agent-reply.ts';
import { AgentStatus } from './agent-status.ts';

const ok = (line: string): AgentReply => {
  const r = parseAgentReply(line);
  if (isAgentReplyError(r)) throw new Error(`unexpected error: ${r.error}`);
  return r;
};

describe('parseAgentReply (HAProxy agent-check vocabulary)', () => {
  it('reads each word on its axis', () => {
    expect(ok('up')).toEqual({ operational: 'up', operationalWord: 'up' });
    expect(ok('down')).toEqual({ operational: 'down', operationalWord: 'down' });
    expect(ok('stopped')).toEqual({ operational: 'down', operationalWord: 'stopped' });
    expect(ok('fail')).toEqual({ operational: 'down', operationalWord: 'fail' });
    expect(ok('drain')).toEqual({ admin: 'drain' });
    expect(ok('maint')).toEqual({ admin: 'maint' });
    expect(ok('ready')).toEqual({ admin: 'ready' });
    expect(ok('75%')).toEqual({ weightPercent: 75 });
    expect(ok('0%')).toEqual({ weightPercent: 0 });
  });

  it('takes several words separated by spaces or commas, case-insensitively, and a #reason', () => {
    expect(ok('UP 75%,ready  # cpu 25% busy\n')).toEqual({ operational: 'up', operationalWord: 'up', admin: 'ready', weightPercent: 75, reason: 'cpu 25% busy' });
    expect(ok('drain#deploy 42')).toEqual({ admin: 'drain', reason: 'deploy 42' });
    expect(ok('down\r\n')).toEqual({ operational: 'down', operationalWord: 'down' });
  });

  it('ignores unknown words (maxconn:30) but refuses a line without any known word', () => {
    expect(ok('maxconn:30 50%')).toEqual({ weightPercent: 50 });
    expect(parseAgentReply('hello world')).toEqual({ error: 'no known word in reply "hello world"' });
    expect(parseAgentReply('')).toEqual({ error: 'empty reply' });
    expect(parseAgentReply('# only a reason')).toEqual({ error: 'empty reply' });
    expect(parseAgentReply('-5%')).toHaveProperty('error');
    expect(parseAgentReply('7.5%')).toHaveProperty('error');
  });

  it('fuzz: never throws; a result is an error or names at least one axis; the reason is printable and bounded', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (line) => {
        const r = parseAgentReply(line);
        if (isAgentReplyError(r)) {
          expect(typeof r.error).toBe('string');
          return;
        }
        expect(r.admin !== undefined || r.operational !== undefined || r.weightPercent !== undefined).toBe(true);
        if (r.weightPercent !== undefined) expect(Number.isInteger(r.weightPercent) && r.weightPercent >= 0).toBe(true);
        if (r.reason !== undefined) {
          expect(r.reason.length).toBeLessThanOrEqual(AGENT_REPLY.maxReasonLength);
          // eslint-disable-next-line no-control-regex
          expect(r.reason).not.toMatch(/[\u0000-\u001f\u007f]/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fuzz: words from the vocabulary in any order and separators parse to the last word of each axis', () => {
    const word = fc.constantFrom('up', 'down', 'drain', 'maint', 'ready', 'stopped', 'fail', '75%', '100%', '0%');
    const sep = fc.constantFrom(' ', ',', ', ', '\t', '  ');
    fc.assert(
      fc.property(fc.array(fc.tuple(word, sep), { minLength: 1, maxLength: 8 }), (parts) => {
        const line = parts.map(([w, s]) => w + s).join('');
        const r = ok(line);
        const words = parts.map(([w]) => w);
        const lastOf = (set: string[]) => [...words].reverse().find((w) => set.includes(w));
        const admin = lastOf(['drain', 'maint', 'ready']);
        const op = lastOf(['up', 'down', 'stopped', 'fail']);
        const pct = lastOf(['75%', '100%', '0%']);
        expect(r.admin).toBe(admin);
        expect(r.operational).toBe(op === undefined ? undefined : op === 'up' ? 'up' : 'down');
        expect(r.weightPercent).toBe(pct === undefined ? undefined : Number(pct.slice(0, -1)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('AgentStatus (what the agent said so far)', () => {
  const fold = (...lines: string[]): AgentStatus => {
    const s = new AgentStatus();
    for (const l of lines) s.apply(ok(l), 1);
    return s;
  };

  it('ready undoes drain and maint, but not down; up undoes down', () => {
    expect(fold('drain').state).toBe('drain');
    expect(fold('drain').factor).toBe(0);
    expect(fold('drain', 'ready').state).toBe('ready');
    expect(fold('maint', 'ready').factor).toBe(1);
    expect(fold('down', 'ready').state).toBe('down');
    expect(fold('down', 'ready').factor).toBe(0);
    expect(fold('down', 'up').state).toBe('up');
    expect(fold('down', 'up').factor).toBe(1);
  });

  it('a word leaves the other axes alone: the weight persists across state words', () => {
    const s = fold('75%', 'drain');
    expect(s.factor).toBe(0);
    expect(s.view().weightPercent).toBe(75);
    s.apply(ok('ready'), 2);
    expect(s.factor).toBe(0.75);
    expect(fold('50%').state).toBeNull();
  });

  it('a failed poll keeps the last word and records the error', () => {
    const s = fold('drain #deploy');
    s.fail('connect refused');
    expect(s.view()).toEqual({ state: 'drain', weightPercent: null, reason: 'deploy', lastAt: 1, error: 'connect refused' });
    expect(s.factor).toBe(0);
    s.apply(ok('ready'), 3);
    expect(s.view().error).toBeNull();
  });

  it('stopped and fail read as down with the word as reason when none is given', () => {
    expect(fold('stopped').view()).toMatchObject({ state: 'down', reason: 'stopped' });
    expect(fold('fail # disk full').view()).toMatchObject({ state: 'down', reason: 'disk full' });
  });
});
