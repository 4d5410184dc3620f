'use client';
// A Dexie live query as React state: re-runs when the tables it read change, in this tab or
// another tab of the same origin (Dexie broadcasts its changes), so every screen shows the device
// database as it is. `undefined` while the first result is loading.
import { liveQuery } from 'dexie';
import { type DependencyList, useEffect, useState } from 'react';

export function useLiveQuery<T>(query: () => Promise<T> | T, deps: DependencyList): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    const sub = liveQuery(query).subscribe({
      next: (v) => setValue(() => v),
      error: (e: unknown) => console.error('live query failed', e),
    });
    return () => sub.unsubscribe();
    // The caller names the dependencies, as with useEffect.
  }, deps);
  return value;
}
