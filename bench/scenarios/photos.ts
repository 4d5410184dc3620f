// Photos over a mobile link: a device comes online with photos (2 MB each, one per assessment)
// and records queued behind them, over the mobile link (150 ms round trips, 750 kbit/s up), all
// its connections sharing the uplink (support/shared-link.ts), and the link drops the
// connection once, when a photo is half uploaded. Fieldsync: the app's engine (photo-device.ts)
// against the API server (src/server/node/api-main.ts, no build) on a fresh PostgreSQL database,
// records through push, bytes through tus in chunks. Beside it, the same files sent the way most
// apps send them: one multipart POST each to a plain server (contenders/multipart-*.ts), sent
// again from the first byte after the drop. Figures are shares and bytes, so the number of photos
// changes little: upload goodput as a share of the uplink, bytes sent again after the drop, and
// whether the last record landed before the first photo.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { DEFAULT_CHUNK_SIZE } from '@/client/media/tus-upload';
import { BENCH_PASSWORD, FieldsyncServer } from '../contenders/fieldsync';
import { startMultipartServer } from '../contenders/multipart-server';
import { uploadMultipart } from '../contenders/multipart-client';
import { BackendCpu, createDatabase, dropDatabase, migrateAndSeed } from '../support/postgres';
import { type Child, freePort, startChild, waitForHttp } from '../support/processes';
import { describe } from '../support/runner';
import { type LinkCounts, startSharedLink } from '../support/shared-link';
import { UploadMeter } from '../support/upload-meter';
import { MOBILE_LINK } from './link';
import type { PhotoFile } from './photo-device';

export const PHOTO_BYTES = 2_000_000;
export const PHOTO_RECORDS = 200;
const UPLOADS_PATH = '/api/v1/media/uploads';
const PHOTO_ENTITY = uuidv7();

export type PhotoContender = 'fieldsync-pg' | 'multipart';

export const PHOTO_CONTENDER_LABELS: Record<PhotoContender, string> = {
  'fieldsync-pg': 'Fieldsync (PostgreSQL): the app\'s engine, records by push, photos by tus in 1 MiB chunks',
  multipart: 'one multipart POST per photo (node:http server, temp folder), sent again from zero after a failure',
};

export interface PhotoSizes {
  readonly photos: number;
  readonly photoBytes: number;
  /** Records queued behind the photos (Fieldsync only). */
  readonly records: number;
}

export function photoSizes(quick: boolean, photos: number | null): PhotoSizes {
  return { photos: photos ?? (quick ? 4 : 20), photoBytes: PHOTO_BYTES, records: PHOTO_RECORDS };
}

export interface PhotoRun {
  readonly contender: PhotoContender;
  readonly run: number;
  /** From going online (Fieldsync) or the first request (multipart) to the last photo stored. */
  readonly elapsedMs: number;
  /** Photo bytes over the elapsed time, as a share of the link's up rate. */
  readonly goodput: number;
  /** Content bytes the device sent more than once, or lost in flight, because of the drop. */
  readonly resentBytes: number;
  /** Where in its photo the drop fell (content bytes that had reached the server). */
  readonly dropAtBytes: number | null;
  readonly link: LinkCounts;
  /** Since going online: the last record landed, the first photo stored (Fieldsync). */
  readonly lastRecordMs: number | null;
  readonly firstPhotoMs: number | null;
  readonly problems: string[];
}

export interface PhotoGoal {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | null;
}

export interface PhotoResults {
  readonly title: string;
  readonly labels: Record<PhotoContender, string>;
  readonly sizes: PhotoSizes;
  readonly chunkBytes: number;
  readonly runs: PhotoRun[];
  readonly errors: Array<{ contender: PhotoContender; error: string }>;
  readonly goals: PhotoGoal[];
}

export const PHOTO_MEASUREMENT_NOTE =
  'Photos (photos): bytes are counted where they reach the server, on the link (support/shared-link.ts, whose connections share one 750 kbit/s uplink and 150 ms round trips), read as HTTP/1.1 (support/http-meter.ts): goodput is the photos\' bytes ÷ the time from going online (multipart: from its first request) to the last photo stored ÷ the uplink rate; bytes re-sent are the upload bodies that reached the server beyond what the files needed once (tus: the photos\' size; multipart: each file\'s last whole body), plus what the link had sent but lost in flight at the drop. Landing times are read from the engine\'s store (outbox empty; uploads done). The figures are shares of the link and bytes, so fewer photos change them little, except that one drop weighs more on fewer photos (the multipart side).';

export function photoTitle(s: PhotoSizes): string {
  return `Photos over the mobile link: ${s.photos} photo${s.photos === 1 ? '' : 's'} of ${(s.photoBytes / 1e6).toFixed(0)} MB and ${s.records} records queued behind them, ${MOBILE_LINK.upKbps} kbit/s up, ${2 * MOBILE_LINK.oneWayMs} ms round trips, one connection dropped at half a photo`;
}

/** The API server alone (api-main.ts, no Next.js build) on a fresh PostgreSQL database, media in a temp folder. */
class ApiServer extends FieldsyncServer {
  private proc: Child | null = null;
  private checks: pg.Pool | null = null;
  private database: string | null = null;

  constructor(
    private readonly appRoot: string,
    private readonly work: string,
  ) {
    super('postgres', appRoot, work);
  }

  override get pid(): number | undefined {
    return this.proc?.pid;
  }

  override get sql(): pg.Pool | null {
    return this.checks;
  }

  override async start(maxSeconds: number): Promise<void> {
    this.database = `fieldsync_bench_photos_${process.pid}_${Date.now().toString(36)}`;
    const url = await createDatabase(this.database);
    await migrateAndSeed(url, this.appRoot);
    this.checks = new pg.Pool({ connectionString: url, max: 2 });
    this.checks.on('error', (e) => console.warn(`bench pool: ${e.message}`));
    this.backends = new BackendCpu(this.database);
    const port = await freePort();
    this.proc = startChild({
      name: 'fieldsync-photos',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(this.appRoot, 'src/server/node/api-main.ts'), '--port', String(port), '--hostname', '127.0.0.1'],
      cwd: this.appRoot,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: url,
        FIELDSYNC_MEDIA_DIR: mkdtempSync(path.join(this.work, 'media-')),
        FIELDSYNC_SYNC_RATE_PER_MINUTE: '100000000',
        FIELDSYNC_SYNC_BURST: '100000000',
        FIELDSYNC_WORK_UNITS_PER_MINUTE: '1000000000',
        FIELDSYNC_WORK_BURST: '1000000000',
        FIELDSYNC_LOG_LEVEL: 'warn',
        FIELDSYNC_JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
      },
      logFile: path.join(this.work, 'fieldsync-photos.log'),
      maxSeconds,
    });
    this.baseUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${this.baseUrl}/api/v1/health`, this.proc, 120_000);
  }

  override async stop(): Promise<void> {
    await this.proc?.stop();
    this.proc = null;
    await this.checks?.end();
    this.checks = null;
    if (this.database) await dropDatabase(this.database).catch((e: unknown) => console.warn(`could not drop ${this.database}: ${String(e)}`));
    this.database = null;
    await super.stop();
  }
}

export interface PhotoOptions {
  readonly root: string;
  readonly work: string;
  readonly maxSeconds: number;
  readonly sizes: PhotoSizes;
  /** Measured runs of each contender (no warm-up: a run takes minutes, and the figures are shares). */
  readonly runs: number;
  readonly log: (line: string) => void;
}

function makePhotos(s: PhotoSizes): PhotoFile[] {
  return Array.from({ length: s.photos }, () => {
    const bytes = new Uint8Array(randomBytes(s.photoBytes));
    return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** How long a run may take before it is given up: three times the link's time for the bytes, and a minute. */
function patienceMs(s: PhotoSizes): number {
  return Math.round(((3 * s.photos * s.photoBytes * 8) / MOBILE_LINK.upKbps!) + 60_000);
}

const goodputOf = (s: PhotoSizes, ms: number): number => (s.photos * s.photoBytes * 8) / ms / MOBILE_LINK.upKbps!;

async function fieldsyncRun(server: ApiServer, token: string, s: PhotoSizes, run: number): Promise<PhotoRun> {
  const files = makePhotos(s);
  const meter = new UploadMeter({
    isUpload: (h) => (h.method === 'PATCH' && h.path.startsWith(`${UPLOADS_PATH}/`)) || (h.method === 'POST' && h.path === UPLOADS_PATH),
    startOf: (h) => Number(h.headers['upload-offset'] ?? 0),
    dropAt: s.photoBytes / 2,
  });
  const link = await startSharedLink(Number(new URL(server.baseUrl).port), MOBILE_LINK, { onUp: meter.onUp });
  try {
    const { runPhotoDevice } = await import('./photo-device');
    const d = await runPhotoDevice({ label: `photos-${run}-${Date.now()}`, baseUrl: link.url, token, entityId: PHOTO_ENTITY, files, records: s.records, timeoutMs: patienceMs(s) });
    const counts = link.counts();
    const elapsedMs = d.photoDoneAt[d.photoDoneAt.length - 1]! - d.onlineAt;
    const problems: string[] = [];
    const wantRecords = 2 * s.photos + s.records;
    if (d.outbox.completed !== wantRecords || d.outbox.failed + d.outbox.rejected + d.outbox.conflict > 0) problems.push(`outbox ${JSON.stringify(d.outbox)}, expected ${wantRecords} completed`);
    if (d.uploads.uploaded !== s.photos) problems.push(`uploads ${JSON.stringify(d.uploads)}, expected ${s.photos} uploaded`);
    if (!meter.dropped) problems.push('the link never dropped a connection');
    for (const [i, id] of d.mediaIds.entries()) {
      const res = await fetch(`${server.baseUrl}/api/v1/media/${id}/content`, { headers: { authorization: `Bearer ${token}`, range: 'bytes=0-0' } });
      await res.arrayBuffer();
      const etag = res.headers.get('etag')?.replace(/"/g, '');
      if (res.status !== 206 && res.status !== 200) problems.push(`photo ${i + 1}: content answered ${res.status}`);
      else if (etag !== files[i]!.sha256) problems.push(`photo ${i + 1}: stored sha256 ${etag ?? 'none'}, sent ${files[i]!.sha256}`);
    }
    return {
      contender: 'fieldsync-pg',
      run,
      elapsedMs,
      goodput: goodputOf(s, elapsedMs),
      resentBytes: Math.max(0, meter.contentBytes - s.photos * s.photoBytes) + counts.lostUp,
      dropAtBytes: meter.dropped?.position ?? null,
      link: counts,
      lastRecordMs: d.lastRecordAt === null ? null : d.lastRecordAt - d.onlineAt,
      firstPhotoMs: d.photoDoneAt[0]! - d.onlineAt,
      problems,
    };
  } finally {
    await link.close();
  }
}

async function multipartRun(s: PhotoSizes, run: number): Promise<PhotoRun> {
  const files = makePhotos(s);
  const server = await startMultipartServer();
  const meter = new UploadMeter({ isUpload: (h) => h.method === 'POST' && h.path.startsWith('/upload/'), startOf: () => 0, dropAt: s.photoBytes / 2 });
  const link = await startSharedLink(server.port, MOBILE_LINK, { onUp: meter.onUp });
  try {
    const t0 = performance.now();
    const tally = await uploadMultipart(
      link.url,
      files.map((f, i) => ({ id: `run${run}-photo${i + 1}`, bytes: f.bytes, fileName: `photo-${i + 1}.jpg`, contentType: 'image/jpeg' })),
    );
    const counts = link.counts();
    const elapsedMs = tally.doneAt[tally.doneAt.length - 1]! - t0;
    const problems: string[] = [];
    if (!meter.dropped) problems.push('the link never dropped a connection');
    for (const [i, f] of files.entries()) {
      const got = server.stored.get(`run${run}-photo${i + 1}`);
      if (!got || got.sha256 !== f.sha256 || got.size !== f.bytes.byteLength) problems.push(`photo ${i + 1}: stored ${got ? `${got.size} bytes, ${got.sha256}` : 'nothing'}`);
    }
    return {
      contender: 'multipart',
      run,
      elapsedMs,
      goodput: goodputOf(s, elapsedMs),
      resentBytes: Math.max(0, meter.contentBytes - meter.completedBytes()) + counts.lostUp,
      dropAtBytes: meter.dropped?.position ?? null,
      link: counts,
      lastRecordMs: null,
      firstPhotoMs: tally.doneAt[0]! - t0,
      problems,
    };
  } finally {
    await link.close();
    await server.close();
  }
}

/** Runs both sides, taking turns run by run; a side that fails is reported, not retried. */
export async function runPhotos(o: PhotoOptions): Promise<PhotoResults> {
  const s = o.sizes;
  const runs: PhotoRun[] = [];
  const errors: PhotoResults['errors'] = [];
  const server = new ApiServer(o.root, o.work);
  let token: string | null = null;
  try {
    await server.start(o.maxSeconds);
    const admin = await server.login('admin@demo.fieldsync', 'fieldsync-demo');
    await server.createEntity(admin, PHOTO_ENTITY, 'Bench photo camp');
    await server.createUser(admin, 'bench-photos@bench.fieldsync', 'field_worker', [PHOTO_ENTITY]);
    token = await server.login('bench-photos@bench.fieldsync', BENCH_PASSWORD);
    o.log(`  fieldsync-pg (api-main.ts) ready at ${server.baseUrl}`);
  } catch (e) {
    errors.push({ contender: 'fieldsync-pg', error: `setup: ${describe(e)}` });
    o.log(`  fieldsync-pg: setup failed: ${describe(e)}`);
  }
  try {
    for (let run = 1; run <= o.runs; run++) {
      const sides: PhotoContender[] = run % 2 === 1 ? ['fieldsync-pg', 'multipart'] : ['multipart', 'fieldsync-pg'];
      for (const side of sides) {
        if (errors.some((e) => e.contender === side)) continue;
        try {
          const r = side === 'multipart' ? await multipartRun(s, run) : await fieldsyncRun(server, token!, s, run);
          runs.push(r);
          o.log(`  run ${run} ${side.padEnd(13)} ${describeRun(r)}`);
        } catch (e) {
          errors.push({ contender: side, error: describe(e) });
          o.log(`  ${side}: failed: ${describe(e)}`);
        }
      }
    }
  } finally {
    await server.stop();
  }
  return { title: photoTitle(s), labels: PHOTO_CONTENDER_LABELS, sizes: s, chunkBytes: DEFAULT_CHUNK_SIZE, runs, errors, goals: photoGoals(runs, DEFAULT_CHUNK_SIZE) };
}

export function describeRun(r: PhotoRun): string {
  const kb = (n: number) => `${Math.round(n / 1024).toLocaleString('en-US')} KiB`;
  const order = r.lastRecordMs === null ? '' : `, last record ${(r.lastRecordMs / 1000).toFixed(1)} s, first photo ${((r.firstPhotoMs ?? 0) / 1000).toFixed(1)} s`;
  return `${(r.elapsedMs / 1000).toFixed(1)} s, goodput ${(r.goodput * 100).toFixed(1)}% of the uplink, re-sent ${kb(r.resentBytes)} after the drop at ${r.dropAtBytes === null ? '–' : kb(r.dropAtBytes)}${order}, up ${kb(r.link.up)} down ${kb(r.link.down)}${r.problems.length ? `  PROBLEMS: ${r.problems.join('; ')}` : ''}`;
}

/** The scenario's goals, on Fieldsync's runs (the worst run counts). */
export function photoGoals(runs: readonly PhotoRun[], chunkBytes: number): PhotoGoal[] {
  const mine = runs.filter((r) => r.contender === 'fieldsync-pg');
  if (mine.length === 0) {
    return ['upload goodput ≥ 90% of the uplink', 'bytes re-sent after a drop at half a photo ≤ one chunk', 'the last record lands before the first photo'].map((goal) => ({ goal, measured: 'not measured', met: null }));
  }
  const goodput = Math.min(...mine.map((r) => r.goodput));
  const resent = Math.max(...mine.map((r) => r.resentBytes));
  const firstBeforeLast = mine.filter((r) => r.lastRecordMs === null || r.firstPhotoMs === null || r.lastRecordMs >= r.firstPhotoMs).length;
  return [
    { goal: 'upload goodput ≥ 90% of the uplink', measured: `${(goodput * 100).toFixed(1)}%`, met: goodput >= 0.9 },
    { goal: `bytes re-sent after a drop at half a photo ≤ one chunk (${chunkBytes.toLocaleString('en-US')} bytes)`, measured: `${resent.toLocaleString('en-US')} bytes`, met: resent <= chunkBytes },
    {
      goal: 'the last record lands before the first photo',
      measured: mine.map((r) => `${((r.lastRecordMs ?? NaN) / 1000).toFixed(1)} s vs ${((r.firstPhotoMs ?? NaN) / 1000).toFixed(1)} s`).join('; '),
      met: firstBeforeLast === 0,
    },
  ];
}
