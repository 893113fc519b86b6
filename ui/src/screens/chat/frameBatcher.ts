/**
 * Collects items (stream deltas) and hands them over once per animation frame, so a fast
 * stream (500 tokens/s) costs one state update and one paint per frame, not one per token.
 */
export type Schedule = (callback: () => void) => number;
export type Unschedule = (handle: number) => void;

export class FrameBatcher<T> {
  readonly #apply: (items: T[]) => void;
  readonly #schedule: Schedule;
  readonly #unschedule: Unschedule;
  #items: T[] = [];
  #handle: number | undefined;

  constructor(
    apply: (items: T[]) => void,
    schedule: Schedule = (cb) => requestAnimationFrame(cb),
    unschedule: Unschedule = (h) => cancelAnimationFrame(h),
  ) {
    this.#apply = apply;
    this.#schedule = schedule;
    this.#unschedule = unschedule;
  }

  /** Queues `item`; the next frame applies everything queued. */
  push(item: T): void {
    this.#items.push(item);
    this.#handle ??= this.#schedule(() => {
      this.#handle = undefined;
      this.flush();
    });
  }

  /** Applies what is queued now (before a terminal event, so nothing arrives after it). */
  flush(): void {
    if (this.#handle !== undefined) {
      this.#unschedule(this.#handle);
      this.#handle = undefined;
    }
    if (this.#items.length === 0) return;
    const items = this.#items;
    this.#items = [];
    this.#apply(items);
  }

  /** Drops what is queued and the pending frame. */
  dispose(): void {
    if (this.#handle !== undefined) this.#unschedule(this.#handle);
    this.#handle = undefined;
    this.#items = [];
  }
}
