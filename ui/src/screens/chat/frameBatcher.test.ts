import { describe, expect, it } from 'vitest';
import { FrameBatcher } from './frameBatcher';

function frames() {
  const queue = new Map<number, () => void>();
  let next = 0;
  return {
    schedule: (cb: () => void) => {
      queue.set(++next, cb);
      return next;
    },
    unschedule: (h: number) => void queue.delete(h),
    run: () => {
      const cbs = [...queue.values()];
      queue.clear();
      cbs.forEach((cb) => cb());
    },
    get pending() {
      return queue.size;
    },
  };
}

describe('FrameBatcher', () => {
  it('applies a burst of 500 items once, on the next frame', () => {
    const f = frames();
    const applied: number[][] = [];
    const batcher = new FrameBatcher<number>(
      (items) => applied.push(items),
      f.schedule,
      f.unschedule,
    );
    for (let i = 0; i < 500; i++) batcher.push(i);
    expect(applied).toHaveLength(0);
    expect(f.pending).toBe(1);
    f.run();
    expect(applied).toHaveLength(1);
    expect(applied[0]).toHaveLength(500);
    batcher.push(1);
    f.run();
    expect(applied).toHaveLength(2);
  });

  it('flush applies at once and cancels the frame; dispose drops', () => {
    const f = frames();
    const applied: string[][] = [];
    const batcher = new FrameBatcher<string>(
      (items) => applied.push(items),
      f.schedule,
      f.unschedule,
    );
    batcher.push('a');
    batcher.flush();
    expect(applied).toEqual([['a']]);
    expect(f.pending).toBe(0);
    batcher.push('b');
    batcher.dispose();
    f.run();
    expect(applied).toEqual([['a']]);
  });
});
