'use client';
// The current hash route, re-rendering on navigation. One hashchange listener for the whole app
// moves the route, so a changed form can hold it (holdRoute): Back or Forward has already changed
// the location when the event comes, so the form is asked before any screen changes, and a
// refusal travels back to the form's history entry. (Separate listeners could not do this: a
// route listener added before the form's ran first and unmounted the form, and its guard, at once.)
import { useSyncExternalStore } from 'react';
import { parseRoute, type Route } from '../routes';

/** The parts of the Navigation API used here (Chromium has it; elsewhere the plain History API is used). */
interface NavEntry {
  readonly key: string;
  readonly index: number;
  readonly url: string | null;
  readonly sameDocument: boolean;
}
interface NavApi {
  readonly currentEntry: NavEntry | null;
  entries(): NavEntry[];
  traverseTo(key: string): { readonly committed: Promise<unknown>; readonly finished: Promise<unknown> };
}
const navApi = (): NavApi | undefined => (window as unknown as { navigation?: NavApi }).navigation;
const hashOf = (url: string | null) => (url === null ? null : new URL(url).hash);

let current: string | null = null;
/** The history entry of `current`, where a refused leave goes back to. */
let currentKey: string | null = null;
const subscribers = new Set<() => void>();
let hold: ((to: string) => boolean) | null = null;
/** A save's navigation in two steps (see leaveAfterSave): the second, run when the first lands. */
let pendingStep: (() => void) | null = null;
let listening = false;

function settle(hash: string): void {
  current = hash;
  currentKey = navApi()?.currentEntry?.key ?? null;
}

function returnToHeld(): void {
  const nav = navApi();
  if (nav && currentKey) {
    const traversal = nav.traverseTo(currentKey);
    // A traversal that is superseded rejects; the route stays as it is either way.
    traversal.committed.catch(() => undefined);
    traversal.finished.catch(() => undefined);
  } else {
    // Without the Navigation API, Back (the usual way off a form) is undone by stepping forward.
    window.history.forward();
  }
}

function onHashChange(): void {
  const to = window.location.hash;
  if (pendingStep) {
    const step = pendingStep;
    pendingStep = null;
    step();
    return;
  }
  if (to === current) return;
  if (hold && !hold(to)) {
    returnToHeld();
    return;
  }
  settle(to);
  for (const notify of subscribers) notify();
}

function subscribe(onChange: () => void): () => void {
  if (!listening) {
    listening = true;
    window.addEventListener('hashchange', onHashChange);
  }
  subscribers.add(onChange);
  return () => subscribers.delete(onChange);
}

function snapshot(): string {
  if (current === null) settle(window.location.hash);
  return current ?? '';
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot, () => '');
  return parseRoute(hash);
}

/**
 * Holds the route while a form is changed: `mayLeave` is asked with the hash about to be shown
 * (after Back, Forward or any other change of the location) and, when it says no, the location
 * goes back to the form. Returns the release.
 */
export function holdRoute(mayLeave: (to: string) => boolean): () => void {
  hold = mayLeave;
  return () => {
    if (hold === mayLeave) hold = null;
  };
}

/**
 * After a save: shows `to` in place of the form's history entry, so Back does not open the form
 * again. When the entry before the form is `previous` (the picker a new form was opened from),
 * that entry goes too: the location travels back over both and `to` is pushed from there, and
 * nothing is drawn on the way.
 */
export function leaveAfterSave(to: string, previous?: string): void {
  const nav = navApi();
  const here = nav?.currentEntry;
  if (previous !== undefined && nav && here) {
    const entries = nav.entries();
    const before = entries[here.index - 1];
    if (before?.sameDocument && hashOf(before.url) === previous) {
      const beyond = entries[here.index - 2];
      if (beyond?.sameDocument && hashOf(beyond.url) !== window.location.hash && hashOf(beyond.url) !== to) {
        pendingStep = () => {
          window.location.hash = to;
        };
        window.history.go(-2);
      } else {
        pendingStep = () => window.location.replace(to);
        window.history.back();
      }
      return;
    }
  }
  window.location.replace(to);
}
