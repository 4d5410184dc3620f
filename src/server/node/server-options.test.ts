import { describe, expect, it } from 'vitest';
import { serverOptions } from './server-options';

describe('serverOptions', () => {
  it('defaults to port 3000 on 127.0.0.1 only', () => {
    expect(serverOptions([], {})).toEqual({ port: 3000, hostname: '127.0.0.1' });
  });

  it('takes HOST from the environment, and an empty hostname means every interface', () => {
    expect(serverOptions([], { HOST: '0.0.0.0' })).toEqual({ port: 3000, hostname: '0.0.0.0' });
    expect(serverOptions(['--hostname', '::1'], { HOST: '0.0.0.0' })).toEqual({ port: 3000, hostname: '::1' });
    expect(serverOptions(['--hostname='], {})).toEqual({ port: 3000, hostname: undefined });
  });

  it('takes PORT from the environment, but not HOSTNAME, which is the machine name in shells and containers', () => {
    expect(serverOptions([], { PORT: '4000', HOSTNAME: 'c0ffee123' })).toEqual({ port: 4000, hostname: '127.0.0.1' });
  });

  it('prefers the arguments, long or short, the last one winning', () => {
    const env = { PORT: '4000', HOSTNAME: '0.0.0.0' };
    expect(serverOptions(['--port', '5000', '--hostname', '::1'], env)).toEqual({ port: 5000, hostname: '::1' });
    expect(serverOptions(['-p', '5001', '-H', '127.0.0.1'], env)).toEqual({ port: 5001, hostname: '127.0.0.1' });
    expect(serverOptions(['--port=5002', '--port', '5003'], env)).toEqual({ port: 5003, hostname: '127.0.0.1' });
  });

  it('refuses a port that is not a number from 0 to 65535, and unknown arguments', () => {
    for (const p of ['abc', '-1', '65536', '3000.5', ''])
      expect(() => serverOptions([`--port=${p}`], {}), p).toThrow(/invalid port/);
    expect(() => serverOptions([], { PORT: 'x' })).toThrow(/invalid port/);
    expect(() => serverOptions(['--keepAliveTimeout', '5'], {})).toThrow();
    expect(() => serverOptions(['extra'], {})).toThrow();
  });
});
