'use client';
// One sync engine per tab for the signed-in user (src/client), given to the screens through
// React context, and a thin binding of its Zustand store. Each user has a database of their
// own on the device, so signing in as someone else never mixes their work.
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { createBrowserSyncEngine, type SyncEngine, type SyncStoreState } from '@/client';
import type { Session } from './session';

const EngineContext = createContext<SyncEngine | null>(null);

export function databaseName(userId: string): string {
  return `fieldsync-${userId}`;
}

export interface EngineProviderProps {
  readonly session: Session;
  readonly children: ReactNode;
  /** Shown while the device database opens (a few milliseconds). */
  readonly fallback: ReactNode;
}

export function EngineProvider({ session, children, fallback }: EngineProviderProps) {
  const [engine, setEngine] = useState<SyncEngine | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const userId = session.user.id;

  useEffect(() => {
    let cancelled = false;
    let opened: SyncEngine | null = null;
    createBrowserSyncEngine({ dbName: databaseName(userId), liveUpdates: true }).then(
      (e) => {
        opened = e;
        if (cancelled) void e.stop();
        else setEngine(e);
      },
      (e: unknown) => {
        if (!cancelled) setFailure(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      cancelled = true;
      setEngine(null);
      if (opened) void opened.stop();
    };
  }, [userId]);

  // The token of this session; a new sign-in (after 401) brings a new one.
  useEffect(() => {
    if (engine) void engine.setToken(session.token);
  }, [engine, session.token]);

  if (failure)
    return (
      <p className="banner error" role="alert">
        This device’s storage could not be opened ({failure}). Private browsing or full storage can cause this.
      </p>
    );
  if (!engine) return <>{fallback}</>;
  return <EngineContext.Provider value={engine}>{children}</EngineContext.Provider>;
}

export function useEngine(): SyncEngine {
  const engine = useContext(EngineContext);
  if (!engine) throw new Error('useEngine outside EngineProvider');
  return engine;
}

/** A slice of the engine's state (state, counts, last sync, leader…), re-rendering on change. */
export function useSync<T>(selector: (s: SyncStoreState) => T): T {
  return useStore(useEngine().store, selector);
}
