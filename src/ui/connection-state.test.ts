import { describe, expect, it } from 'vitest';
import type { EngineState } from '@/client/sync-store';
import { type ConnectionFacts, connectionState, syncNowBlock } from './connection-state';

const facts = (over: Partial<ConnectionFacts> = {}): ConnectionFacts => ({ navigatorOnline: true, sync: { kind: 'idle' }, lastFailure: null, session: 'active', ...over });
const backingOff: EngineState = { kind: 'backing_off', until: 5000 };

describe('connectionState', () => {
  it('is online when the browser is online and sync last succeeded', () => {
    expect(connectionState(facts())).toEqual({ kind: 'online' });
    expect(connectionState(facts({ sync: { kind: 'pushing', done: 1, total: 3 } }))).toEqual({ kind: 'online' });
  });

  it('is offline when the browser says so, whatever sync last met', () => {
    expect(connectionState(facts({ navigatorOnline: false, lastFailure: 'busy', sync: backingOff }))).toEqual({ kind: 'offline' });
  });

  it('says the server cannot be reached (not online, not busy) after a network failure, with the retry time', () => {
    expect(connectionState(facts({ lastFailure: 'network', sync: backingOff }))).toEqual({ kind: 'unreachable', retryAt: 5000 });
    expect(connectionState(facts({ lastFailure: 'network', sync: { kind: 'offline' } }))).toEqual({ kind: 'unreachable', retryAt: null });
  });

  it('says the server cannot be reached when sync gave up although the browser is online', () => {
    expect(connectionState(facts({ sync: { kind: 'offline' } }))).toEqual({ kind: 'unreachable', retryAt: null });
  });

  it('says busy only for 429/503, and a server error for other 5xx', () => {
    expect(connectionState(facts({ lastFailure: 'busy', sync: backingOff }))).toEqual({ kind: 'busy', retryAt: 5000 });
    expect(connectionState(facts({ lastFailure: 'server', sync: backingOff }))).toEqual({ kind: 'server_error', retryAt: 5000 });
  });

  it('tells an expired session apart from a signed-out one, and offline before either asks to sign in', () => {
    expect(connectionState(facts({ sync: { kind: 'needs_login' } }))).toEqual({ kind: 'expired' });
    expect(connectionState(facts({ lastFailure: 'unauthorized' }))).toEqual({ kind: 'expired' });
    expect(connectionState(facts({ session: 'signed_out' }))).toEqual({ kind: 'signed_out' });
    expect(connectionState(facts({ navigatorOnline: false, sync: { kind: 'needs_login' } }))).toEqual({ kind: 'offline' });
  });
});

describe('syncNowBlock', () => {
  const idle = { syncing: false, waiting: 0, lastSyncedAt: null, now: 100_000 };
  it('blocks sync now offline, signed out or expired, and says why', () => {
    expect(syncNowBlock({ kind: 'offline' }, idle)).toBe('offline');
    expect(syncNowBlock({ kind: 'signed_out' }, idle)).toBe('signed_out');
    expect(syncNowBlock({ kind: 'expired' }, idle)).toBe('expired');
  });

  it('allows it right after a sync that left nothing to send, since it also pulls', () => {
    // Just synced with nothing to send: a sync still pulls what others did since.
    expect(syncNowBlock({ kind: 'online' }, { ...idle, lastSyncedAt: 100_000 - 1000 })).toBeNull();
    expect(syncNowBlock({ kind: 'online' }, { ...idle, waiting: 2, lastSyncedAt: 100_000 - 1000 })).toBeNull();
  });

  it('allows it when the server was busy or unreachable: the user may know it is back', () => {
    expect(syncNowBlock({ kind: 'busy', retryAt: 1 }, idle)).toBeNull();
    expect(syncNowBlock({ kind: 'unreachable', retryAt: null }, { ...idle, lastSyncedAt: 99_000 })).toBeNull();
  });
});
