import { describe, expect, it } from 'vitest';
import { UserGate } from './user-gate';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('UserGate', () => {
  it('runs at most perUser requests of one user and lets the rest wait, first come first served', async () => {
    const gate = new UserGate(2);
    const order: number[] = [];
    const a = await gate.enter('ana');
    const b = await gate.enter('ana');
    const waiting = [3, 4].map((n) => gate.enter('ana').then((release) => (order.push(n), release)));
    await tick();
    expect(order).toEqual([]);
    expect(gate.usage('ana')).toEqual({ running: 2, waiting: 2 });
    a();
    await tick();
    expect(order).toEqual([3]);
    b();
    await tick();
    expect(order).toEqual([3, 4]);
    for (const release of await Promise.all(waiting)) release();
    expect(gate.usage('ana')).toEqual({ running: 0, waiting: 0 });
  });

  it('never makes one user wait for another', async () => {
    const gate = new UserGate(1);
    const ana = await gate.enter('ana');
    const flood = gate.enter('ana');
    const ben = await gate.enter('ben');
    expect(gate.usage('ben')).toEqual({ running: 1, waiting: 0 });
    ben();
    ana();
    (await flood)();
  });

  it('drops a waiting request whose client went away, and a release twice counts once', async () => {
    const gate = new UserGate(1);
    const first = await gate.enter('ana');
    const controller = new AbortController();
    const gone = gate.enter('ana', controller.signal);
    const next = gate.enter('ana');
    controller.abort(new Error('client gone'));
    await expect(gone).rejects.toThrow('client gone');
    expect(gate.usage('ana')).toEqual({ running: 1, waiting: 1 });
    first();
    first();
    const release = await next;
    expect(gate.usage('ana')).toEqual({ running: 1, waiting: 0 });
    release();
    expect(gate.usage('ana')).toEqual({ running: 0, waiting: 0 });
  });
});
