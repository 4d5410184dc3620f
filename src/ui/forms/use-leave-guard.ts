'use client';
// Leaving a changed form asks first: a tab close or reload through `beforeunload`, a link before
// it is followed, and Back, Forward or any other change of the location through the route's hold
// (use-route.ts), which puts the form back when the user stays. The draft keeps what was typed
// either way; the question is so nobody leaves a form by mistake. `release` before a save's own
// navigation.
import { useCallback, useEffect, useRef } from 'react';
import { holdRoute } from '../hooks/use-route';

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
    // Back or Forward: the location has changed already; the route waits for this answer.
    const unhold = holdRoute((to) => !active() || to === formHash || ask());
    window.addEventListener('beforeunload', beforeUnload);
    document.addEventListener('click', click, { capture: true });
    return () => {
      unhold();
      window.removeEventListener('beforeunload', beforeUnload);
      document.removeEventListener('click', click, { capture: true });
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
