// Text limits counted as people count characters: in code points, so an emoji or a letter
// outside the Basic Multilingual Plane is one character, not two UTF-16 units. Pure.

/** Characters (code points) of a string. */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function overLimit(s: string, max: number): boolean {
  return charCount(s) > max;
}

/** The counter shown under a limited field: "n / max", and whether it is over. */
export interface Counter {
  readonly count: number;
  readonly max: number;
  readonly over: boolean;
}

export function counter(s: string, max: number): Counter {
  const count = charCount(s);
  return { count, max, over: count > max };
}
