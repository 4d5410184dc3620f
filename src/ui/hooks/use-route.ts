'use client';
// The current hash route, re-rendering on navigation. The route follows the hashchange event, not
// the location as it is when something renders, so a form's leave guard (a capturing hashchange
// listener) can ask before Back takes the screen away, and step forward again if the user stays.
import { useSyncExternalStore } from 'react';
import { parseRoute, type Route } from '../routes';

let current: string | null = null;

function subscribe(onChange: () => void): () => void {
  const on = () => {
    current = window.location.hash;
    onChange();
  };
  window.addEventListener('hashchange', on);
  return () => window.removeEventListener('hashchange', on);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(
    subscribe,
    () => (current ??= window.location.hash),
    () => '',
  );
  return parseRoute(hash);
}
