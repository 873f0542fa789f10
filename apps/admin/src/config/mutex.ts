// A FIFO async mutex: config changes (and every other write to the store) run one at a time.

/** Runs tasks one after another, in call order, even when they await. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  /** Tasks queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /** Runs `task` once every earlier task has settled; resolves or rejects with its result. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    this.#pending++;
    const result = this.#tail.then(task);
    // The queue advances whether the task failed or not; the caller still sees the rejection.
    this.#tail = result.then(
      () => this.#pending--,
      () => this.#pending--,
    );
    return result;
  }
}
