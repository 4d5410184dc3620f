import { describe, expect, it } from 'vitest';
import { Throttled } from './throttle';

describe('coalesced recounts', () => {
  it('serves every request made during a run with one more run, not one run each', async () => {
    let runs = 0;
    let release!: () => void;
    const t = new Throttled(async () => {
      runs += 1;
      if (runs === 1) await new Promise<void>((r) => (release = r));
    });
    const first = t.request();
    const waiting = Array.from({ length: 100 }, () => t.request());
    release();
    await Promise.all([first, ...waiting]);
    expect(runs).toBe(2);
  });

  it('spaces runs by the cost of the last one once the burst credit is spent', async () => {
    let clock = 0;
    let runs = 0;
    const t = new Throttled(
      async () => {
        runs += 1;
        clock += 10; // each run "costs" 10 ms
      },
      { maxGapMs: 50, costFactor: 2, burst: 2 },
      () => clock,
    );
    await t.request();
    await t.request();
    expect(runs).toBe(2); // within the burst: at once
    const third = t.request();
    expect(runs).toBe(2); // waits for a gap (20 ms of the fake clock)
    clock += 20;
    await third;
    expect(runs).toBe(3);
    t.stop();
  });
});
