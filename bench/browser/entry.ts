// Bundled by the bench (esbuild) into a script injected into a page of the Fieldsync origin:
// exposes the app's own device code (src/client), so the browser case queues changes with the
// engine's local-write function and syncs them with the engine, exactly as the app does, with
// IndexedDB (Dexie), Web Locks and the browser's fetch.
import { createBrowserSyncEngine, FieldsyncDb } from '@/client';
import { ensureDeviceId } from '@/client/device';
import { createRecord } from '@/client/local-writes';

(globalThis as Record<string, unknown>).fieldsyncBench = { createBrowserSyncEngine, FieldsyncDb, createRecord, ensureDeviceId };
