'use client';
// GET /api/v1/sync/status while online and signed in: after each completed sync and every
// minute. It gives the server's clock (its serverTime, else its Date header: for the clock warning) and the records
// whose synced edit by this user another user's later edit replaced (on any of their devices,
// also when no live stream was open at the time). A failure leaves the last answer: the sync
// engine reports connection problems itself.
import { useEffect, useState } from 'react';
import { SyncStatusResponseSchema } from '@/protocol/status';
import { clockSkew, parseDateHeader } from '../clock-skew';
import { useSync } from '../engine-context';

export interface ServerStatus {
  /** Device minus server clock, ms; null when unknown. */
  readonly skewMs: number | null;
  readonly overwrittenRecordIds: readonly string[];
}

const REFRESH_MS = 60_000;

export function useServerStatus(token: string, online: boolean): ServerStatus | null {
  const [status, setStatus] = useState<ServerStatus | null>(null);
  const lastSyncedAt = useSync((s) => s.lastSyncedAt);
  const needsLogin = useSync((s) => s.state.kind === 'needs_login');
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    if (!online || needsLogin) return;
    let cancelled = false;
    const sentAt = Date.now();
    fetch('/api/v1/sync/status', { headers: { authorization: `Bearer ${token}` } })
      .then(async (res) => {
        const receivedAt = Date.now();
        if (!res.ok || cancelled) return;
        const body = SyncStatusResponseSchema.safeParse(await res.json());
        // The answer's serverTime has milliseconds; the Date header (whole seconds) stands in without it.
        const serverTime = body.success ? Date.parse(body.data.serverTime) : (parseDateHeader(res.headers.get('date')) ?? Number.NaN);
        const skewMs = clockSkew({ serverTime, sentAt, receivedAt });
        if (!cancelled) setStatus({ skewMs, overwrittenRecordIds: body.success ? body.data.overwrittenRecordIds : [] });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [token, online, needsLogin, lastSyncedAt, tick]);

  return status;
}
