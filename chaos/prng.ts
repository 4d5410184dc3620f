// The seeded randomness of a chaos run: every choice of the fault schedule and of the devices'
// edits comes from here, so `--seed N` replays the same schedule (timings still vary).
export type Rng = () => number;

/** mulberry32: small, fast, and good enough to spread faults; not for anything secret. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A child generator, so one stream (say, one device's) does not shift the others. */
export function fork(rng: Rng): Rng {
  return seeded(Math.floor(rng() * 2 ** 32));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

export function between(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}
