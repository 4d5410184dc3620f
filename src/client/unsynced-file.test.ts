import { describe, expect, it } from 'vitest';
import type { LocalRecord, OutboxEntry } from './db';
import { type UnsyncedExport, UnsyncedFileError, parseUnsyncedFile, sealUnsyncedExport } from './unsynced-file';

const ANA = '0193a000-0000-7000-8000-0000000000a1';
const BEN = '0193a000-0000-7000-8000-0000000000b1';
const ENTITY = '0193a000-0000-7000-8000-00000000c001';
const RECORD = '0193a000-0000-7000-8000-000000000101';
const CHANGE = '0193a000-0000-7000-8000-000000000201';
const HLC = '2026-01-01T10:00:00.000Z-0000-dev_a';

const record: LocalRecord = { id: RECORD, type: 'assessment', entityId: ENTITY, data: { title: 'Water point' }, deleted: false, version: 0, hlc: HLC, updatedBy: null, server: null };
const entry = {
  seq: 1, changeId: CHANGE, recordId: RECORD, type: 'assessment', entityId: ENTITY, action: 'create', baseVersion: 0, hlc: HLC,
  data: { title: 'Water point' }, parentId: null, sent: false, createdAt: 1, updatedAt: 1, status: 'pending', attempts: 0, lastError: null,
} as OutboxEntry;

const doc = (over: Partial<UnsyncedExport> = {}): UnsyncedExport => ({
  format: 'fieldsync-unsynced/1', exportedAt: '2026-01-01T10:00:00.000Z', deviceId: 'dev_a', userId: ANA, entries: [{ ...entry, record }], ...over,
});

async function refusal(text: string, user: string | null = ANA): Promise<string> {
  try {
    await parseUnsyncedFile(text, user);
  } catch (e) {
    if (e instanceof UnsyncedFileError) return e.problem;
    throw e;
  }
  throw new Error('the file was accepted');
}

describe('the file of unsynced work', () => {
  it('reads back what the export sealed, changes and records alike', async () => {
    const file = await parseUnsyncedFile(await sealUnsyncedExport(doc()), ANA);
    expect(file.userId).toBe(ANA);
    expect(file.entries).toHaveLength(1);
    expect(file.entries[0]).toMatchObject({ changeId: CHANGE, recordId: RECORD, action: 'create', record: { data: { title: 'Water point' } } });
  });

  it('still reads a file whose layout was changed but not its content', async () => {
    const text = JSON.stringify(JSON.parse(await sealUnsyncedExport(doc())));
    await expect(parseUnsyncedFile(text, ANA)).resolves.toMatchObject({ userId: ANA });
  });

  it('refuses a file edited after export', async () => {
    const raw = JSON.parse(await sealUnsyncedExport(doc()));
    raw.entries[0].data.title = 'Something else';
    expect(await refusal(JSON.stringify(raw))).toBe('tampered');
  });

  it('refuses a file whose change id was swapped, even when it still parses', async () => {
    const raw = JSON.parse(await sealUnsyncedExport(doc()));
    raw.entries[0].changeId = '0193a000-0000-7000-8000-000000000299';
    expect(await refusal(JSON.stringify(raw))).toBe('tampered');
  });

  it('calls a broken field in an edited file tampering, not a format error', async () => {
    const raw = JSON.parse(await sealUnsyncedExport(doc()));
    raw.entries[0].hlc = 'yesterday';
    expect(await refusal(JSON.stringify(raw))).toBe('tampered');
  });

  it('refuses a file without its checksum', async () => {
    const raw = JSON.parse(await sealUnsyncedExport(doc()));
    delete raw.checksum;
    expect(await refusal(JSON.stringify(raw))).toBe('tampered');
  });

  it('refuses another user’s file', async () => {
    expect(await refusal(await sealUnsyncedExport(doc()), BEN)).toBe('otherUser');
  });

  it('refuses when nobody is signed in', async () => {
    expect(await refusal(await sealUnsyncedExport(doc()), null)).toBe('signedOut');
  });

  it('refuses a file that does not say whose work it holds', async () => {
    expect(await refusal(await sealUnsyncedExport(doc({ userId: null })))).toBe('noUser');
  });

  it('refuses text that is not JSON, and JSON of another kind', async () => {
    expect(await refusal('PK\u0003\u0004 a zip')).toBe('notJson');
    expect(await refusal(JSON.stringify({ format: 'something-else/1', entries: [] }))).toBe('wrongFormat');
    expect(await refusal('[]')).toBe('wrongFormat');
  });

  it('refuses a sealed file that breaks the rules: a change id twice, a record of another change', async () => {
    expect(await refusal(await sealUnsyncedExport(doc({ entries: [{ ...entry, record }, { ...entry, seq: 2, record }] })))).toBe('wrongFormat');
    const other = { ...record, id: '0193a000-0000-7000-8000-000000000102' };
    expect(await refusal(await sealUnsyncedExport(doc({ entries: [{ ...entry, record: other }] })))).toBe('wrongFormat');
  });

  it('refuses an update without data', async () => {
    expect(await refusal(await sealUnsyncedExport(doc({ entries: [{ ...entry, action: 'update', data: null, record }] })))).toBe('wrongFormat');
  });
});
