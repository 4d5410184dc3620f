// Photos in the field app, in Debian's Chromium against the built app (one server with a fresh
// database for the file). Ana, offline, is told plainly when a file cannot be saved; she takes
// three photos of about 2 MB on an assessment and adds a response with a photo of its own; after
// a reload with no network the thumbnails are still there. Back online the records sync first,
// then the photos upload with byte progress; a connection cut in the middle of an upload resumes
// from the server's offset, re-sending only the chunk that was cut; the server holds exactly the
// bytes the device named (SHA-256); the coordinator sees the photos (larger on a tap), and "still
// on the field worker's device" for the one whose upload has not got through, until Ana's Retry
// in the sync queue sends it.
import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptDialogs,
  apiToken,
  assessmentItem,
  CAMP_SOUTH,
  collectErrors,
  createAssessment,
  launchBrowser,
  newDevice,
  openEntity,
  screenshot,
  serverRecords,
  signIn,
  waitForServiceWorker,
  signedIn,
} from './support/browser';
import { type StartedServer, startServer } from './support/server';

const UPLOADS = '/api/v1/media/uploads';

/**
 * JPEGs drawn in the page: noise at quality 0.95 barely compresses, so a 1600×1200 photo stays
 * near 2 MB and is not downscaled (the app shrinks only what is larger than 1600 px).
 */
async function noisyJpegs(page: Page, count: number, width: number, height: number): Promise<Buffer[]> {
  const encoded = await page.evaluate(
    async ({ count, width, height }) => {
      const out: string[] = [];
      for (let n = 0; n < count; n++) {
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        const ctx = canvas.getContext('2d')!;
        const img = ctx.createImageData(width, height);
        let s = (n + 1) * 2654435761;
        for (let i = 0; i < img.data.length; i += 4) {
          for (let c = 0; c < 3; c++) {
            s ^= s << 13;
            s ^= s >>> 17;
            s ^= s << 5;
            img.data[i + c] = (s >>> 8) & 255;
          }
          img.data[i + 3] = 255;
        }
        ctx.putImageData(img, 0, 0);
        const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/jpeg', 0.95));
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let bin = '';
        for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        out.push(btoa(bin));
      }
      return out;
    },
    { count, width, height },
  );
  return encoded.map((b) => Buffer.from(b, 'base64'));
}

/** In the page: the SHA-256 of the bytes the device database holds for a media id. */
async function deviceContentSha(mediaId: string): Promise<string> {
  const name = (await indexedDB.databases()).map((d) => d.name).find((n) => n?.startsWith('fieldsync-'));
  if (!name) throw new Error('no device database');
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('open failed'));
  });
  const row = await new Promise<{ blob: Blob } | undefined>((resolve, reject) => {
    const req = db.transaction('mediaBlobs').objectStore('mediaBlobs').get(mediaId);
    req.onsuccess = () => resolve(req.result as { blob: Blob } | undefined);
    req.onerror = () => reject(req.error ?? new Error('read failed'));
  });
  db.close();
  if (!row) throw new Error(`no bytes on the device for ${mediaId}`);
  const digest = await crypto.subtle.digest('SHA-256', await row.blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const sha256 = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The media id a tus creation names in its Upload-Metadata (`mediaId <base64>`). */
function creationMediaId(request: Request): string | null {
  const meta = request.headers()['upload-metadata'] ?? '';
  for (const pair of meta.split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (key === 'mediaId' && value) return Buffer.from(value, 'base64').toString('utf8');
  }
  return null;
}

interface PatchSeen {
  readonly path: string;
  readonly offset: number;
  /** Upload-Offset the server answered; null when the request was cut. */
  readonly end: number | null;
}

/** What the device's uploads sent, seen at the context (page and service worker alike). */
class UploadLog {
  readonly events: string[] = [];
  readonly patches: PatchSeen[] = [];
  /** Upload path → media id, from the creation's Location. */
  readonly mediaOf = new Map<string, string>();
  /** The second chunk of the first upload that reaches one: held, then cut. */
  cut: { path: string; offset: number } | null = null;
  private release!: () => void;
  private readonly released = new Promise<void>((r) => (this.release = r));
  private heldResolve!: () => void;
  readonly held = new Promise<void>((r) => (this.heldResolve = r));
  /** Media ids whose creation is refused, as if the connection dropped each time. */
  readonly blocked = new Set<string>();

  async install(context: BrowserContext, baseUrl: string): Promise<void> {
    context.on('request', (req) => {
      const path = new URL(req.url()).pathname;
      if (path === '/api/v1/sync/batch' && req.method() === 'POST') this.events.push('push');
    });
    context.on('response', (res) => {
      const req = res.request();
      const path = new URL(req.url()).pathname;
      if (path === '/api/v1/sync/batch' && req.method() === 'POST') this.events.push(`pushed:${res.status()}`);
      if (path === UPLOADS && req.method() === 'POST') {
        this.events.push(`created:${res.status()}`);
        const location = res.headers()['location'];
        const id = creationMediaId(req);
        if (location && id) this.mediaOf.set(new URL(location, baseUrl).pathname, id);
      }
      if (path.startsWith(`${UPLOADS}/`) && req.method() === 'PATCH' && res.status() === 204)
        this.patches.push({ path, offset: Number(req.headers()['upload-offset']), end: Number(res.headers()['upload-offset']) });
    });
    await context.route(`**${UPLOADS}**`, async (route, req) => {
      const path = new URL(req.url()).pathname;
      if (req.method() === 'POST' && this.blocked.has(creationMediaId(req) ?? '')) return route.abort('connectionreset');
      if (req.method() !== 'PATCH' || this.cut || !this.patches.some((p) => p.path === path)) return route.continue();
      this.cut = { path, offset: Number(req.headers()['upload-offset']) };
      this.heldResolve();
      await this.released;
      this.patches.push({ path, offset: this.cut.offset, end: null });
      return route.abort('connectionreset');
    });
  }

  cutNow(): void {
    this.release();
  }
}

describe('photos in the field app', () => {
  let server: StartedServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('keeps photos taken offline, uploads them after their records with resumable byte progress, intact, and the coordinator sees them', async () => {
    const ana = await newDevice(browser, server.url);
    const log = new UploadLog();
    await log.install(ana, server.url);
    const page = await ana.newPage();
    const errors = collectErrors(page);
    acceptDialogs(page);
    await signIn(page, 'ana@demo.fieldsync');
    await waitForServiceWorker(page);
    const photos = await noisyJpegs(page, 3, 1600, 1200);
    const [small] = await noisyJpegs(page, 1, 400, 300);
    for (const p of photos) expect(p.length).toBeGreaterThan(1_500_000);

    // Offline: an assessment, a response, three photos on the assessment and one on the response.
    await ana.setOffline(true);
    await page.getByTestId('online-status').filter({ hasText: 'offline' }).waitFor();
    await openEntity(page, CAMP_SOUTH);
    const title = 'Photos: water point 3';
    await createAssessment(page, title);
    await assessmentItem(page, title).click();
    await page.getByTestId('assessment-heading').filter({ hasText: title }).waitFor();
    const assessmentId = /#\/assessments\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(assessmentId).toBeDefined();
    await page.getByTestId('new-response').click();
    await page.getByTestId('response-respondent').fill('Household 12');
    await page.getByTestId('response-save').click();
    await page.getByTestId('response-item').filter({ hasText: 'Household 12' }).waitFor();

    const panel = page.locator(`[data-testid="media-panel"][data-parent-id="${assessmentId}"]`);
    const items = panel.getByTestId('media-item');
    // A file of zero bytes is refused, saying so; nothing is saved.
    await panel.getByTestId('file-input').setInputFiles({ name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) });
    await panel.getByRole('alert').filter({ hasText: 'empty.jpg' }).waitFor();
    expect(await items.count()).toBe(0);

    for (const [i, photo] of photos.entries()) {
      await panel.getByTestId('photo-input').setInputFiles({ name: `water-point-${i + 1}.jpg`, mimeType: 'image/jpeg', buffer: photo });
      await expect.poll(() => items.count()).toBe(i + 1);
    }
    const responsePanel = page.getByTestId('response-item').getByTestId('media-panel');
    await responsePanel.getByTestId('photo-input').setInputFiles({ name: 'household-12.jpg', mimeType: 'image/jpeg', buffer: small! });
    await responsePanel.getByTestId('media-item').waitFor();
    expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['pending', 'pending', 'pending']);
    await expect.poll(() => panel.getByTestId('media-progress').first().textContent()).toMatch(/^0\.0 MB of [12]\.\d MB$/);

    // Reload with no network: the app from the service worker, the photos from IndexedDB.
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await expect.poll(() => items.count()).toBe(3);
    await expect
      .poll(() => panel.getByTestId('media-thumb').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth)))
      .toEqual([1600, 1600, 1600]);
    expect(await panel.getByTestId('media-thumb').first().getAttribute('alt')).toBe('water-point-1.jpg');
    await screenshot(page, 'media-01-offline-photos');

    // The response's photo cannot get through for now: it stays failed, with Retry, on this device.
    const responsePhotoId = (await responsePanel.getByTestId('media-item').getAttribute('data-media-id'))!;
    log.blocked.add(responsePhotoId);

    // Online: the records are pushed, then uploads start; the second chunk of the first upload is held.
    await ana.setOffline(false);
    await log.held;
    // An upload can only be created once the server holds its media record.
    const firstPushed = log.events.indexOf('pushed:200');
    expect(firstPushed).toBeGreaterThanOrEqual(0);
    expect(log.events.indexOf('created:201')).toBeGreaterThan(firstPushed);
    // Photos never hold back records: with an upload still open, every record is synced.
    await expect.poll(() => page.getByTestId('record-status').evaluateAll((b) => b.map((x) => x.getAttribute('data-status')))).toEqual(['synced', 'synced']);
    const uploading = panel.locator(`[data-testid="media-item"][data-media-id="${log.mediaOf.get(log.cut!.path)}"]`);
    await expect.poll(() => uploading.getAttribute('data-status')).toBe('uploading');
    await expect.poll(() => uploading.getByTestId('media-progress').textContent()).toMatch(/^(0\.[1-9]|1\.\d) MB of [12]\.\d MB$/);
    expect(await uploading.getByRole('progressbar').getAttribute('aria-label')).toMatch(/^Upload of water-point-\d\.jpg$/);
    await expect.poll(() => page.getByTestId('media-summary').textContent()).toMatch(/^Photos \d+ of \d+ uploaded · \d+\.\d MB of \d+\.\d MB/);
    await screenshot(page, 'media-02-uploading');

    // The connection drops in the middle of the upload, then comes back.
    log.cutNow();
    await expect
      .poll(
        async () => {
          const failed = panel.locator('[data-testid="media-item"][data-status="failed"]');
          if (await failed.count()) await failed.first().getByTestId('media-retry').click();
          return items.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
        },
        { timeout: 90_000, interval: 1000 },
      )
      .toEqual(['uploaded', 'uploaded', 'uploaded']);

    // It resumed where the server stood: the next chunk began at the offset of the one that was
    // cut, so only that chunk was sent twice, and every byte arrived exactly once.
    const cut = log.cut!;
    expect(cut.offset).toBeGreaterThan(0);
    const after = log.patches.filter((p) => p.path === cut.path);
    const cutAt = after.findIndex((p) => p.end === null);
    expect(after[cutAt + 1]?.offset).toBe(cut.offset);
    for (const path of new Set(log.patches.map((p) => p.path))) {
      const done = log.patches.filter((p) => p.path === path && p.end !== null);
      for (let i = 1; i < done.length; i++) expect(done[i]!.offset).toBe(done[i - 1]!.end);
    }

    // The device's bytes of each photo, read from its IndexedDB (the page's CSP allows no fetch of blob: URLs).
    const deviceSha = new Map<string, string>();
    for (const item of await items.all()) {
      const id = (await item.getAttribute('data-media-id'))!;
      deviceSha.set(id, await page.evaluate(deviceContentSha, id));
    }

    // The server holds the bytes the device named.
    const token = await apiToken(server.url, 'ana@demo.fieldsync');
    const media = (await serverRecords(server.url, 'ana@demo.fieldsync')).filter((r) => r.type === 'media' && r.data.parentId === assessmentId);
    expect(media.map((m) => m.id).sort()).toEqual([...deviceSha.keys()].sort());
    for (const m of media) {
      const res = await fetch(`${server.url}/api/v1/media/${m.id}/content`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.length).toBe(m.data.size);
      expect(sha256(body)).toBe(m.data.sha256);
      expect(sha256(body)).toBe(deviceSha.get(m.id));
      const bytesStored = log.patches.filter((p) => log.mediaOf.get(p.path) === m.id && p.end !== null).reduce((n, p) => n + (p.end! - p.offset), 0);
      expect(bytesStored).toBe(m.data.size);
    }

    // The response's photo: failed, with its error and a Retry button.
    const responseItem = responsePanel.getByTestId('media-item');
    await expect.poll(() => responseItem.getAttribute('data-status'), { timeout: 60_000 }).toBe('failed');
    await responseItem.getByTestId('media-error').waitFor();
    await responseItem.getByTestId('media-retry').waitFor();
    await screenshot(page, 'media-03-uploaded');

    // The coordinator sees the photos, downloaded when shown, and one larger on a tap.
    const { device: cora, page: coraPage } = await signedIn(browser, server.url, 'cora@demo.fieldsync', { site: CAMP_SOUTH });
    await assessmentItem(coraPage, title).click();
    const coraPanel = coraPage.locator(`[data-testid="media-panel"][data-parent-id="${assessmentId}"]`);
    await expect.poll(() => coraPanel.getByTestId('media-item').count(), { timeout: 20_000 }).toBe(3);
    await expect
      .poll(() => coraPanel.getByTestId('media-thumb').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth)), { timeout: 20_000 })
      .toEqual([1600, 1600, 1600]);
    await coraPanel.getByTestId('media-thumb').first().click();
    const viewer = coraPage.getByTestId('media-viewer');
    await viewer.waitFor();
    expect(await viewer.locator('img').evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBe(1600);
    await screenshot(coraPage, 'media-04-coordinator-viewer');
    await coraPage.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });
    // The response's photo never reached the server: said so, not a broken image.
    await coraPage.getByTestId('response-item').getByTestId('media-not-available').filter({ hasText: 'Still on the field worker’s device' }).waitFor();

    // Back on Ana's device: the queue lists the failed upload with its Retry. The connection to
    // the upload is restored, and Retry sends it (unless coming back to the page, a new
    // connectivity episode, already did); the coordinator's device then shows the photo.
    await page.getByTestId('nav-queue').click();
    const queued = page.locator(`[data-testid="media-uploads"] [data-testid="media-item"][data-media-id="${responsePhotoId}"]`);
    await queued.getByTestId('media-retry').waitFor();
    log.blocked.delete(responsePhotoId);
    await queued.getByTestId('media-retry').click({ timeout: 5_000 }).catch(() => undefined);
    await expect.poll(() => queued.getAttribute('data-status'), { timeout: 30_000 }).toBe('uploaded');
    await screenshot(page, 'media-05-queue');
    await coraPage.getByTestId('sync-now').click();
    await expect
      .poll(() => coraPage.getByTestId('response-item').getByTestId('media-thumb').evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth), { timeout: 20_000 })
      .toBe(400);

    expect(errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_RESET|net::|409|CONTENT_PENDING/.test(e))).toEqual([]);
    await ana.close();
    await cora.close();
  });
});
