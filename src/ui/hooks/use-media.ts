'use client';
// Photos and files of one record for the screens: the list, live from the device database with
// the upload the engine runs now folded in; the bytes of one item as an object URL (from the
// device, or downloaded by the engine), revoked when no longer shown; and attaching new files.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEngine, useSync } from '../engine-context';
import { attachErrorMessage, type MediaView, withUpload } from '../media-format';
import { useLiveQuery } from './use-live-query';
import { useOnline } from './use-online';

/** The photos and files under `parentId`, in the engine's order (oldest first); undefined while loading. */
export function useMediaList(parentId: string): MediaView[] | undefined {
  const engine = useEngine();
  const items = useLiveQuery(() => engine.listMedia(parentId), [engine, parentId]);
  const uploads = useSync((s) => s.uploads);
  return items?.map((item) => withUpload(item, uploads[item.id]));
}

/**
 * This device's uploads as the queue shows them: every upload the store follows (unsettled,
 * rejected, or uploaded a moment ago), listed through their parents as the engine lists media.
 */
export function useUploadItems(): MediaView[] | undefined {
  const engine = useEngine();
  const uploads = useSync((s) => s.uploads);
  const key = Object.keys(uploads).sort().join(',');
  const items = useLiveQuery(async () => {
    const ids = key ? key.split(',') : [];
    const records = await engine.db.records.bulkGet(ids);
    const parents = new Set(records.flatMap((r) => (r && typeof r.data.parentId === 'string' ? [r.data.parentId] : [])));
    const wanted = new Set(ids);
    const out: MediaView[] = [];
    // One parent after the other: a live query follows only the reads it awaits itself.
    for (const parentId of parents) out.push(...(await engine.listMedia(parentId)).filter((m) => wanted.has(m.id)));
    return out;
  }, [engine, key]);
  return items?.map((item) => withUpload(item, uploads[item.id]));
}

export type ContentState = { readonly kind: 'idle' } | { readonly kind: 'loading' } | { readonly kind: 'ready'; readonly url: string } | { readonly kind: 'missing' } | { readonly kind: 'error'; readonly message: string };

/**
 * The content of a media item as an object URL while `wanted`: read from the device when taken
 * here, else downloaded (and kept) by the engine. The URL is revoked when the item is no longer
 * shown, so thumbnails do not pin their blobs in memory.
 */
export function useMediaContent(id: string, wanted: boolean): ContentState {
  const engine = useEngine();
  // Someone else's content cannot be downloaded offline: asked again when the connection returns.
  const online = useOnline();
  const [state, setState] = useState<ContentState>({ kind: 'idle' });
  const [attempt, setAttempt] = useState(0);
  const unavailable = state.kind === 'missing' || state.kind === 'error';
  useEffect(() => {
    if (online && unavailable) setAttempt((n) => n + 1);
    // Only a reconnection asks again; a failure while online stays shown.
  }, [online]);
  useEffect(() => {
    if (!wanted) {
      setState({ kind: 'idle' });
      return;
    }
    let cancelled = false;
    let url: string | null = null;
    setState({ kind: 'loading' });
    engine.mediaContent(id).then(
      (blob) => {
        if (cancelled) return;
        if (!blob) return setState({ kind: 'missing' });
        url = URL.createObjectURL(blob);
        setState({ kind: 'ready', url });
      },
      (e: unknown) => {
        if (!cancelled) setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [engine, id, wanted, attempt]);
  return state;
}

export interface Attach {
  /** Saves each file on the device as a media record under the parent; resolves with how many were saved. */
  readonly attach: (files: readonly File[]) => Promise<number>;
  readonly busy: boolean;
  /** Why the last files could not all be saved (one line per file), or null. */
  readonly error: string | null;
}

export function useAttach(parentId: string, entityId: string): Attach {
  const engine = useEngine();
  const { t } = useTranslation('media');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function attach(files: readonly File[]): Promise<number> {
    setBusy(true);
    setError(null);
    const problems: string[] = [];
    let saved = 0;
    // One at a time, so a phone holds one full-size photo in memory, not all of them.
    for (const file of files) {
      try {
        await engine.attachFile({ entityId, parentId, file, fileName: file.name });
        saved++;
      } catch (e) {
        problems.push(attachErrorMessage(e, file.name, t));
      }
    }
    setError(problems.length ? problems.join('\n') : null);
    setBusy(false);
    return saved;
  }
  return { attach, busy, error };
}

export function useRetryUpload(): (mediaId: string) => Promise<void> {
  const engine = useEngine();
  return (mediaId) => engine.retryUpload(mediaId);
}

/** Photos n of N and bytes over this device's uploads, from the engine's store. */
export function useMediaTotals() {
  return useSync((s) => s.media);
}
