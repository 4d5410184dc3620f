'use client';
// Leaving a changed form asks first: a tab close or reload through `beforeunload`, in-app
// navigation (links, Back) through the hash change. The draft keeps what was typed either way;
// the question is so nobody leaves a form by mistake. `release` before a save's own navigation.
import { useCallback, useEffect, useRef } from 'react';

export interface LeaveGuard {
  /** Asks (this question, else the guard's) when the form is changed; true when the user may leave. */
  readonly confirmLeave: (question?: string) => boolean;
  /** The form was saved: leave without asking. */
  readonly release: () => void;
}

export function useLeaveGuard(changed: boolean, question: string): LeaveGuard {
  const changedRef = useRef(changed);
  changedRef.current = changed;
  const questionRef = useRef(question);
  questionRef.current = question;
  const released = useRef(false);

  useEffect(() => {
    const formHash = window.location.hash;
    const active = () => changedRef.current && !released.current;
    const ask = () => {
      if (window.confirm(questionRef.current)) released.current = true;
      return released.current;
    };
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (!active()) return;
      e.preventDefault();
      e.returnValue = '';
    };
    // A link in the app: asked before the navigation, so a refusal leaves no history entry.
    const click = (e: MouseEvent) => {
      if (!active() || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const link = e.target instanceof Element ? e.target.closest('a[href^="#"]') : null;
      if (!link || link.getAttribute('href') === formHash) return;
      if (!ask()) e.preventDefault();
    };
    // Back (or Forward): asked once the hash changed; capture runs before the router's listener,
    // and a refusal steps forward again to the form before any screen changes.
    const hashChange = (e: HashChangeEvent) => {
      if (!active() || window.location.hash === formHash) return;
      if (ask()) return;
      e.stopImmediatePropagation();
      window.history.forward();
    };
    window.addEventListener('beforeunload', beforeUnload);
    document.addEventListener('click', click, { capture: true });
    window.addEventListener('hashchange', hashChange, { capture: true });
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      document.removeEventListener('click', click, { capture: true });
      window.removeEventListener('hashchange', hashChange, { capture: true });
    };
  }, []);

  const confirmLeave = useCallback((question?: string) => {
    if (!changedRef.current || released.current) return true;
    const ok = window.confirm(question ?? questionRef.current);
    if (ok) released.current = true;
    return ok;
  }, []);
  const release = useCallback(() => {
    released.current = true;
  }, []);
  return { confirmLeave, release };
}
