// Agent checks of one service's backends (README "Agent checks"): every target's agent is
// polled on its own jittered timer, one poll in flight at most, and its replies are folded into
// an AgentStatus. onChange fires when what the agent says changes (state, weight, reachable) —
// never per poll.
import { AGENT_REPLY } from '@fulcrum/shared/limits';
import type { AgentViewDto } from '@fulcrum/shared/api';
import { AgentStatus } from './agent-status.ts';
import { isAgentReplyError, parseAgentReply } from './agent-reply.ts';
import { pollAgent } from './probe-agent.ts';

/** Where and how often to ask one backend's agent. */
export interface AgentCheckConfig {
  port: number;
  intervalMs: number;
}

/** A backend whose agent is polled: `host` is the backend's host, `check` names the agent port. */
export interface AgentTarget {
  readonly id: number;
  readonly host: string;
  readonly check: AgentCheckConfig;
}

/** Called after what an agent says changed; `view` is the new view. Must not throw. */
export type AgentChangeListener = (id: number, view: AgentViewDto, previous: AgentViewDto) => void;

interface Entry {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  intervalMs: number;
  readonly status: AgentStatus;
  timer: NodeJS.Timeout | undefined;
  inFlight: AbortController | undefined;
}

const JITTER = 0.1;
const FIRST_POLL_SPREAD = 0.2;

/** Polls the agents of a set of targets. */
export class AgentChecker {
  readonly #onChange: AgentChangeListener;
  readonly #random: () => number;
  readonly #entries = new Map<number, Entry>();
  #closed = false;

  constructor(onChange: AgentChangeListener, random: () => number = Math.random) {
    this.#onChange = onChange;
    this.#random = random;
  }

  /**
   * Makes `targets` the polled set. A new target, or one whose host or agent port changed,
   * starts with no agent state (the agent's word is about that agent only); a changed interval
   * keeps the state. Targets not listed are dropped silently.
   */
  setTargets(targets: readonly AgentTarget[]): void {
    if (this.#closed) return;
    const wanted = new Map(targets.map((t) => [t.id, t]));
    for (const entry of [...this.#entries.values()]) {
      const target = wanted.get(entry.id);
      if (target === undefined || target.host !== entry.host || target.check.port !== entry.port) this.#drop(entry);
    }
    for (const target of wanted.values()) {
      const entry = this.#entries.get(target.id);
      if (entry === undefined) {
        this.#add(target);
      } else if (entry.intervalMs !== target.check.intervalMs) {
        entry.intervalMs = target.check.intervalMs;
        if (entry.inFlight === undefined) this.#schedule(entry, this.#random() * entry.intervalMs * FIRST_POLL_SPREAD);
      }
    }
  }

  /** The agent's view of target `id`; null when it is not polled. */
  view(id: number): AgentViewDto | null {
    return this.#entries.get(id)?.status.view() ?? null;
  }

  /** Weight multiplier the agent asks for (1 when not polled or nothing said yet). */
  factor(id: number): number {
    return this.#entries.get(id)?.status.factor ?? 1;
  }

  /** Stops every timer and aborts polls in flight. No callbacks after this. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#entries.values()) this.#stop(entry);
    this.#entries.clear();
  }

  #add(target: AgentTarget): void {
    const entry: Entry = {
      id: target.id,
      host: target.host,
      port: target.check.port,
      intervalMs: target.check.intervalMs,
      status: new AgentStatus(),
      timer: undefined,
      inFlight: undefined,
    };
    this.#entries.set(entry.id, entry);
    // Soon, but spread, so N backends are not asked in the same millisecond.
    this.#schedule(entry, this.#random() * Math.min(entry.intervalMs * FIRST_POLL_SPREAD, 500));
  }

  #drop(entry: Entry): void {
    this.#stop(entry);
    this.#entries.delete(entry.id);
  }

  #stop(entry: Entry): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.inFlight?.abort();
    entry.inFlight = undefined;
  }

  #schedule(entry: Entry, delayMs: number): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.#poll(entry), Math.max(0, delayMs));
    entry.timer.unref();
  }

  #poll(entry: Entry): void {
    entry.timer = undefined;
    if (this.#closed || entry.inFlight !== undefined || this.#entries.get(entry.id) !== entry) return;
    const controller = new AbortController();
    entry.inFlight = controller;
    const timeoutMs = Math.min(entry.intervalMs, AGENT_REPLY.timeoutMs);
    void pollAgent({ host: entry.host, port: entry.port }, timeoutMs, controller.signal).then((result) => {
      if (entry.inFlight !== controller || this.#closed) return;
      entry.inFlight = undefined;
      const previous = entry.status.view();
      const before = entry.status.key();
      if (!result.ok) {
        entry.status.fail(result.reason);
      } else {
        const reply = parseAgentReply(result.line);
        if (isAgentReplyError(reply)) entry.status.fail(reply.error);
        else entry.status.apply(reply, Date.now());
      }
      if (entry.status.key() !== before) this.#onChange(entry.id, entry.status.view(), previous);
      this.#schedule(entry, entry.intervalMs * (1 - JITTER + 2 * JITTER * this.#random()));
    });
  }
}
