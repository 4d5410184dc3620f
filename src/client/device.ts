// The device's identity and clock, kept in sync metadata: a device id generated once
// (`dev_` + 16 random hex digits, also the HLC node id) and the hybrid logical clock state,
// ticked for each local write and advanced past every stamp received, inside the caller's
// transaction so concurrent tabs never hand out the same stamp.
import { type HlcState, hlcString, initialHlc, receiveHlc, tickHlc } from '@/core/hlc';
import { type FieldsyncDb, META, getMeta, setMeta } from './db';

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function newDeviceId(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return `dev_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The device id, created on first use. */
export async function ensureDeviceId(db: FieldsyncDb): Promise<string> {
  return (await openDevice(db)).id;
}

/** The device id, and whether this call made it: the database was new (first use, or the browser deleted it). */
export async function openDevice(db: FieldsyncDb): Promise<{ readonly id: string; readonly created: boolean }> {
  return db.transaction('rw', db.meta, async () => {
    const existing = await getMeta<string>(db, META.deviceId);
    if (existing) return { id: existing, created: false };
    const id = newDeviceId();
    await setMeta(db, META.deviceId, id);
    await setMeta(db, META.clock, initialHlc(id));
    return { id, created: true };
  });
}

async function readClock(db: FieldsyncDb): Promise<HlcState> {
  const clock = await getMeta<HlcState>(db, META.clock);
  if (clock) return clock;
  const id = await getMeta<string>(db, META.deviceId);
  if (!id) throw new Error('device id missing: call ensureDeviceId first');
  return initialHlc(id);
}

/** A fresh stamp for a local write. Call inside a transaction that includes `meta`. */
export async function nextStamp(db: FieldsyncDb, now: number): Promise<string> {
  const next = tickHlc(await readClock(db), now);
  await setMeta(db, META.clock, next);
  return hlcString(next);
}

/** Advances the clock past every stamp given. Call inside a transaction that includes `meta`. */
export async function receiveStamps(db: FieldsyncDb, stamps: readonly string[], now: number): Promise<void> {
  if (stamps.length === 0) return;
  let clock = await readClock(db);
  for (const s of stamps) clock = receiveHlc(clock, s, now);
  await setMeta(db, META.clock, clock);
}
