import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error';
import { HashGate } from './hash-gate';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('HashGate', () => {
  it('runs at most `concurrency` at once', async () => {
    const gate = new HashGate(2, 100);
    let now = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        gate.run('other', async () => {
          most = Math.max(most, ++now);
          await new Promise((r) => setTimeout(r, 1));
          now--;
        }),
      ),
    );
    expect(most).toBe(2);
  });

  it('serves waiting known-device logins before other waiting ones', async () => {
    const gate = new HashGate(1, 10);
    const hold = deferred();
    const order: string[] = [];
    const first = gate.run('other', () => hold.promise);
    const rest = [
      gate.run('other', async () => void order.push('stranger 1')),
      gate.run('other', async () => void order.push('stranger 2')),
      gate.run('known-device', async () => void order.push('known')),
    ];
    hold.resolve();
    await Promise.all([first, ...rest]);
    expect(order).toEqual(['known', 'stranger 1', 'stranger 2']);
  });

  it('answers 503 with Retry-After beyond the queue bound, and a flood of strangers does not fill the known-device queue', async () => {
    const gate = new HashGate(1, 2);
    const hold = deferred();
    const running = gate.run('other', () => hold.promise);
    const queued = [gate.run('other', async () => 1), gate.run('other', async () => 2)];
    const refused = await gate.run('other', async () => 3).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(503);
    expect((refused as ApiError).headers['Retry-After']).toBe('1');
    const known = gate.run('known-device', async () => 'known');
    hold.resolve();
    await expect(known).resolves.toBe('known');
    await Promise.all([running, ...queued]);
  });

  it('frees the slot when the work throws', async () => {
    const gate = new HashGate(1, 0);
    await expect(gate.run('other', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run('other', async () => 'next')).resolves.toBe('next');
  });
});
