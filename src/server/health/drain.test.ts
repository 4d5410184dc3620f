import { describe, expect, it } from 'vitest';
import { Drain } from './drain';

describe('Drain', () => {
  it('runs each registered hook once when it begins, and not the ones unregistered', async () => {
    const drain = new Drain();
    const ran: string[] = [];
    drain.onDrain(() => void ran.push('a'));
    const off = drain.onDrain(() => void ran.push('b'));
    off();
    expect(drain.draining).toBe(false);
    await drain.begin();
    await drain.begin();
    expect(drain.draining).toBe(true);
    expect(ran).toEqual(['a']);
  });

  it('runs a hook registered after it began at once', async () => {
    const drain = new Drain();
    await drain.begin();
    let ran = false;
    drain.onDrain(() => {
      ran = true;
    });
    expect(ran).toBe(true);
  });

  it('waits for every hook, even when one fails', async () => {
    const drain = new Drain();
    let slowDone = false;
    drain.onDrain(() => Promise.reject(new Error('stream already gone')));
    drain.onDrain(async () => {
      await new Promise((r) => setTimeout(r, 20));
      slowDone = true;
    });
    await drain.begin();
    expect(slowDone).toBe(true);
  });
});
