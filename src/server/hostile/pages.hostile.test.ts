// Against the real server process with a small heap: after one user stores
// hundreds of records of ~256 KiB (each within every limit) and many conflicts on such records,
// concurrent `pull?limit=1000` and conflict listings used to answer hundreds of MB each and
// crash the process. Pages are now bounded in bytes: the process stays up, every page stays
// within the byte budget (one oversized entry aside), and following the cursors still gets all.
import { beforeAll, expect, it } from 'vitest';
import { ConflictsPageSchema } from '@/protocol/conflicts';
import { PullResponseSchema } from '@/protocol/pull';
import { DEMO_ENTITIES } from '../seed/demo';
import { type HostileServer, describeEachServer, loginAs } from './harness';

const MiB = 1024 * 1024;
const PAGE_BYTES = 4 * MiB;
const RECORDS = 300;
const CONFLICTS = 40;
/** Characters of each record's text: its data is about 256 KiB, just inside the push limit. */
const RECORD_CHARS = 250_000;
const PER_BATCH = 8; // 8 × 250 KB stays under the 2 MiB body limit
/** A page's JSON may pass the budget by the entries' envelopes and, on a page of one, by its entry. */
const SLACK = 1.1;

let counter = 0;
const hlc = () => `${new Date().toISOString()}-${(counter++ % 0xffff).toString(16).padStart(4, '0')}-hostile`;
const text = (seed: string) => seed.repeat(Math.ceil(RECORD_CHARS / seed.length)).slice(0, RECORD_CHARS);

async function push(server: HostileServer, token: string, changes: unknown[]): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/sync/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ deviceId: 'hostile', changes }),
  });
  const body = (await res.json()) as { successful?: unknown[]; conflicts?: unknown[]; failed?: unknown[] };
  if (res.status !== 200 || (body.failed?.length ?? 0) > 0) throw new Error(`push failed: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
}

const create = (recordId: string, data: Record<string, unknown>, baseVersion = 0) => ({
  changeId: crypto.randomUUID(),
  type: 'assessment',
  action: baseVersion === 0 ? 'create' : 'update',
  recordId,
  entityId: DEMO_ENTITIES.campNorth.id,
  baseVersion,
  hlc: hlc(),
  data,
});

describeEachServer(
  'pages bounded in bytes',
  {
    heapMb: 200,
    maxLifetimeMs: 280_000,
    env: {
      FIELDSYNC_PAGE_BYTES: String(PAGE_BYTES),
      // The budgets of rate limiting are not what this suite is about: they must not get in the way.
      FIELDSYNC_SYNC_RATE_PER_MINUTE: '1000000',
      FIELDSYNC_SYNC_BURST: '1000000',
      FIELDSYNC_WORK_UNITS_PER_MINUTE: '100000000',
      FIELDSYNC_WORK_BURST: '100000000',
    },
  },
  (server) => {
    let ana: string;
    let cora: string;
    let hot: string;
    beforeAll(async () => {
      ana = await loginAs(server().url, 'ana@demo.fieldsync');
      cora = await loginAs(server().url, 'cora@demo.fieldsync');
      const ids = Array.from({ length: RECORDS }, () => crypto.randomUUID());
      hot = ids[0]!;
      for (let i = 0; i < ids.length; i += PER_BATCH)
        await push(server(), ana, ids.slice(i, i + PER_BATCH).map((id, j) => create(id, { title: `big ${i + j}`, notes: text(`${i + j} `) })));
      // Creates of a record that exists are conflicts (based on version 0): each logs both sides.
      for (let i = 0; i < CONFLICTS; i += PER_BATCH)
        await push(server(), ana, Array.from({ length: PER_BATCH }, (_, j) => create(hot, { title: `rival ${i + j}`, notes: text(`r${i + j} `) })));
    }, 200_000);

    it('answers concurrent pulls of limit=1000 and conflict listings within the byte budget, and stays up', async () => {
      const pulls = Array.from({ length: 4 }, () =>
        fetch(`${server().url}/api/v1/sync/pull?limit=1000`, { headers: { authorization: `Bearer ${ana}` } }).then(async (r) => ({ status: r.status, text: await r.text() })),
      );
      const lists = Array.from({ length: 4 }, () =>
        fetch(`${server().url}/api/v1/sync/conflicts?limit=500`, { headers: { authorization: `Bearer ${cora}` } }).then(async (r) => ({ status: r.status, text: await r.text() })),
      );
      const answers = await Promise.all([...pulls, ...lists]);
      expect(server().alive(), server().output()).toBe(true);
      for (const a of answers) {
        expect(a.status, a.text.slice(0, 300)).toBe(200);
        expect(a.text.length).toBeLessThan(PAGE_BYTES * SLACK);
      }
      for (const a of answers.slice(0, pulls.length)) {
        const page = PullResponseSchema.parse(JSON.parse(a.text));
        expect(page.hasMore).toBe(true);
        expect(page.changes.length).toBeGreaterThan(1);
        expect(page.changes.length).toBeLessThan(RECORDS);
      }
      for (const a of answers.slice(pulls.length)) {
        const page = ConflictsPageSchema.parse(JSON.parse(a.text));
        expect(page.hasMore).toBe(true);
        expect(page.conflicts.length).toBeGreaterThan(1);
        expect(page.conflicts.length).toBeLessThan(CONFLICTS);
      }
    }, 120_000);

    it('serves every record and every conflict once when the cursors are followed', async () => {
      const records = new Set<string>();
      let served = 0;
      let cursor: string | undefined;
      for (let pages = 0; ; pages++) {
        expect(pages).toBeLessThan(RECORDS);
        const url = `${server().url}/api/v1/sync/pull?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await fetch(url, { headers: { authorization: `Bearer ${ana}` } });
        const raw = await res.text();
        expect(res.status, raw.slice(0, 300)).toBe(200);
        expect(raw.length).toBeLessThan(PAGE_BYTES * SLACK);
        const page = PullResponseSchema.parse(JSON.parse(raw));
        for (const c of page.changes) records.add(c.id);
        served += page.changes.length;
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      // The demo data has records of its own in Camp North and Camp South.
      expect(records.size).toBeGreaterThanOrEqual(RECORDS);
      expect(served).toBe(records.size);
      expect(records.has(hot)).toBe(true);

      const conflicts = new Set<string>();
      let listed = 0;
      let after: string | undefined;
      for (let pages = 0; ; pages++) {
        expect(pages).toBeLessThan(CONFLICTS);
        const url = `${server().url}/api/v1/sync/conflicts?entityId=${DEMO_ENTITIES.campNorth.id}${after ? `&cursor=${after}` : ''}`;
        const res = await fetch(url, { headers: { authorization: `Bearer ${cora}` } });
        const raw = await res.text();
        expect(res.status, raw.slice(0, 300)).toBe(200);
        expect(raw.length).toBeLessThan(PAGE_BYTES * SLACK);
        const page = ConflictsPageSchema.parse(JSON.parse(raw));
        for (const c of page.conflicts) conflicts.add(c.id);
        listed += page.conflicts.length;
        if (!page.hasMore) break;
        after = page.cursor;
      }
      expect(conflicts.size).toBeGreaterThanOrEqual(CONFLICTS);
      expect(listed).toBe(conflicts.size);
      expect(server().alive(), server().output()).toBe(true);
    }, 120_000);
  },
);
