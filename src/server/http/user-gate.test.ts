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
    const gone = gate.enter('ana', 0, controller.signal);
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

  it('runs a request heavier than the user\'s byte budget alone, and light ones side by side', async () => {
    const gate = new UserGate(2, 1000);
    const heavy = await gate.enter('ana', 800);
    const second = gate.enter('ana', 800);
    const light = gate.enter('ana', 100);
    await tick();
    expect(gate.usage('ana')).toEqual({ running: 1, waiting: 2 });
    heavy();
    const s = await second;
    // Its turn came after the second heavy one's (first come, first served), and it fits beside it.
    const l = await light;
    expect(gate.usage('ana')).toEqual({ running: 2, waiting: 0 });
    s();
    l();
    const huge = await gate.enter('ana', 5000);
    expect(gate.usage('ana')).toEqual({ running: 1, waiting: 0 });
    huge();
  });
});
