'use client';
// A form's draft on the device (client/drafts.ts): loaded before the form shows, so a reload or
// a killed tab brings back what was typed; written as the user types (the latest value wins,
// one write at a time); cleared on save or "Discard draft". A value equal to the form's
// starting value is no draft.
import { useCallback, useEffect, useRef, useState } from 'react';
import { clearDraft, loadDraft, saveDraft } from '@/client';
import { sameJson } from '../diff';
import { useEngine } from '../engine-context';

export type DraftState<T> =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly start: T; readonly restored: boolean; readonly generation: number };

export interface Draft<T> {
  readonly state: DraftState<T>;
  /** The form's value changed: keep it (or drop the draft when it is back to the start). */
  readonly keep: (value: T) => void;
  /** Saved: the draft goes. */
  readonly clear: () => Promise<void>;
  /** The user throws the draft away: the form starts again from its initial value. */
  readonly discard: () => void;
}

export function useDraft<T>(key: string, initial: T): Draft<T> {
  const engine = useEngine();
  const [state, setState] = useState<DraftState<T>>({ kind: 'loading' });
  const initialRef = useRef(initial);
  initialRef.current = initial;
  const writing = useRef<Promise<void>>(Promise.resolve());
  const latest = useRef<{ value: T } | null>(null);
  const done = useRef(false);

  useEffect(() => {
    let live = true;
    done.current = false;
    void loadDraft(engine.db, key).then(
      (row) => {
        if (!live) return;
        const restored = row !== undefined && !sameJson(row.value, initialRef.current);
        setState({ kind: 'ready', start: restored ? (row.value as T) : initialRef.current, restored, generation: 0 });
      },
      () => live && setState({ kind: 'ready', start: initialRef.current, restored: false, generation: 0 }),
    );
    return () => {
      live = false;
    };
  }, [engine, key]);

  const keep = useCallback(
    (value: T) => {
      if (done.current) return;
      const first = latest.current === null;
      latest.current = { value };
      if (!first) return;
      // One write at a time; a burst of keystrokes ends in one write of the last value.
      writing.current = writing.current.then(async () => {
        const next = latest.current;
        latest.current = null;
        if (!next || done.current) return;
        if (sameJson(next.value, initialRef.current)) await clearDraft(engine.db, key);
        else await saveDraft(engine.db, key, next.value, Date.now());
      }).catch((e: unknown) => console.error('draft not kept', e));
    },
    [engine, key],
  );

  const clear = useCallback(async () => {
    done.current = true;
    latest.current = null;
    await writing.current;
    await clearDraft(engine.db, key);
  }, [engine, key]);

  const discard = useCallback(() => {
    latest.current = null;
    void writing.current.then(() => clearDraft(engine.db, key));
    setState((s) => ({ kind: 'ready', start: initialRef.current, restored: false, generation: s.kind === 'ready' ? s.generation + 1 : 0 }));
  }, [engine, key]);

  return { state, keep, clear, discard };
}
