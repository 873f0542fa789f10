// What one backend's agent has said so far, folded reply by reply (README "Agent checks"). A
// failed poll changes nothing but `error`: like HAProxy, an unreachable agent is not a verdict
// about the backend (its health check is), and the agent's last word stays in force.
import type { AgentState } from '@fulcrum/shared/enums';
import type { AgentViewDto } from '@fulcrum/shared/api';
import type { AgentAdmin, AgentOperational, AgentReply } from './agent-reply.ts';

/** One backend's agent state: the two HAProxy axes, the weight percentage, the last reason. */
export class AgentStatus {
  #admin: AgentAdmin = 'ready';
  #operational: AgentOperational = 'up';
  /** The last of `up`/`ready` said (what the state shows when nothing takes the backend out). */
  #lastClear: 'up' | 'ready' | null = null;
  #saidState = false;
  #weightPercent: number | null = null;
  #reason: string | null = null;
  #lastAt: number | null = null;
  #error: string | null = null;

  /** Folds a reply in: only the axes it names change. */
  apply(reply: AgentReply, now: number): void {
    if (reply.admin !== undefined) {
      this.#admin = reply.admin;
      if (reply.admin === 'ready') this.#lastClear = 'ready';
      this.#saidState = true;
    }
    if (reply.operational !== undefined) {
      this.#operational = reply.operational;
      if (reply.operational === 'up') this.#lastClear = 'up';
      this.#saidState = true;
    }
    if (reply.weightPercent !== undefined) this.#weightPercent = reply.weightPercent;
    const word = reply.operationalWord;
    this.#reason = reply.reason ?? (word === 'fail' || word === 'failed' || word === 'stopped' ? word : null);
    this.#lastAt = now;
    this.#error = null;
  }

  /** A poll failed (unreachable, timeout, unreadable reply): recorded, nothing else changes. */
  fail(error: string): void {
    this.#error = error;
  }

  /** The state the console shows: maint, then down, then drain, then the last up/ready. */
  get state(): AgentState | null {
    if (!this.#saidState) return null;
    if (this.#admin === 'maint') return 'maint';
    if (this.#operational === 'down') return 'down';
    if (this.#admin === 'drain') return 'drain';
    return this.#lastClear;
  }

  /**
   * The multiplier on the configured weight: 0 while the agent says down, maint or drain (no new
   * connections; established ones continue), else its percentage (1 when it named none).
   */
  get factor(): number {
    if (this.#admin !== 'ready' || this.#operational === 'down') return 0;
    return this.#weightPercent === null ? 1 : this.#weightPercent / 100;
  }

  get error(): string | null {
    return this.#error;
  }

  /** The live view (stats, console). */
  view(): AgentViewDto {
    return { state: this.state, weightPercent: this.#weightPercent, reason: this.#reason, lastAt: this.#lastAt, error: this.#error };
  }

  /** What an event is about: the state, the weight and whether the agent answers (not the reason text, which may change every poll). */
  key(): string {
    return `${this.state ?? '-'}|${this.#weightPercent ?? '-'}|${this.#error === null ? 'ok' : 'error'}`;
  }
}
