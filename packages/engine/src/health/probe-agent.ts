// One poll of an agent check: connect to the agent port, send nothing, read one short line.
// Uses the probes' one connector, so the socket is bounded in time and destroyed exactly once.
import { AGENT_REPLY } from '@fulcrum/shared/limits';
import { runProbe } from './probe-connection.ts';
import type { ProbeTarget } from './probe-result.ts';

/** The line an agent answered (without its line end), or why none was read. */
export type AgentPollResult = { ok: true; line: string } | { ok: false; reason: string };

/**
 * Reads the agent's reply: up to the first line end, or everything before the agent closed,
 * within `timeoutMs`; more than AGENT_REPLY.maxBytes without a line end is a failure.
 */
export async function pollAgent(target: ProbeTarget, timeoutMs: number, signal?: AbortSignal): Promise<AgentPollResult> {
  let line = '';
  const result = await runProbe(
    target,
    timeoutMs,
    {
      judge: (reply, ended) => {
        const end = reply.indexOf(0x0a);
        const cr = reply.indexOf(0x0d);
        const stop = end === -1 ? cr : cr === -1 ? end : Math.min(end, cr);
        if (stop !== -1 && stop <= AGENT_REPLY.maxBytes) {
          line = reply.subarray(0, stop).toString('latin1');
          return true;
        }
        if (reply.length > AGENT_REPLY.maxBytes) return `reply longer than ${AGENT_REPLY.maxBytes} bytes without a line end`;
        if (!ended) return undefined;
        line = reply.toString('latin1');
        return true;
      },
    },
    signal,
  );
  return result.ok ? { ok: true, line } : { ok: false, reason: result.reason };
}
