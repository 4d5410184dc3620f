// Every tab shows upload progress, also the tabs that do not sync: a commit to the uploads or
// the media blobs (this tab's or another's) is passed on as a signal, and the engine re-reads
// the summary (throttled).
import Dexie, { type ObservabilitySet } from 'dexie';
import type { FieldsyncDb } from '../db';

export function watchMedia(db: FieldsyncDb, changed: () => void): () => void {
  let closed = false;
  const parts = [`idb://${db.name}/uploads/`, `idb://${db.name}/mediaBlobs/`];
  const listener = (set: ObservabilitySet) => {
    if (closed) return;
    const keys = Object.keys(set);
    if (keys.some((k) => k === 'all' || parts.some((p) => k.startsWith(p)))) Dexie.ignoreTransaction(changed);
  };
  Dexie.on('storagemutated', listener);
  return () => {
    closed = true;
    Dexie.on.storagemutated.unsubscribe(listener);
  };
}
