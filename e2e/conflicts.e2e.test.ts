// Conflicts people can read and act on, in Debian's Chromium against the built app (one server
// for the file). The history is set up through the API as devices send it: Ana's applied edit of
// an assessment, then Ben's concurrent, later-stamped edit of the same version, which replaces it.
//   1. Ana's other device (a browser) shows the overwritten count, and the list of her
//      overwritten edits: hers against the winner, by name;
//   2. Cora restores Ana's edit: asked first (a dismissed question restores nothing), then shown
//      in the history with her name, and undone from there: the conflict is open again and
//      Ben's version is back.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, CAMP_SOUTH, launchBrowser, screenshot, serverRecords, signedIn } from './support/browser';
import { type StartedServer, startServer } from './support/server';

async function push(url: string, token: string, deviceId: string, changes: unknown[]): Promise<{ conflicts: Array<{ resolution?: string }> }> {
  const res = await fetch(`${url}/api/v1/sync/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ deviceId, changes }),
  });
  const body = (await res.json()) as { conflicts: Array<{ resolution?: string }>; failed: unknown[] };
  if (!res.ok || body.failed.length) throw new Error(`push: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Ana creates and then edits an assessment on her phone (device `ana_phone`); Ben's later-stamped edit of the created version replaces hers. */
async function overwrite(url: string, original: string, anaTitle: string, benTitle: string): Promise<string> {
  const [ana, ben] = await Promise.all([apiToken(url, 'ana@demo.fieldsync'), apiToken(url, 'ben@demo.fieldsync')]);
  const at = Date.now();
  const stamp = (ms: number, node: string) => `${new Date(at + ms).toISOString()}-0000-${node}`;
  const recordId = crypto.randomUUID();
  const change = (action: 'create' | 'update', baseVersion: number, hlc: string, title: string) => ({
    changeId: crypto.randomUUID(),
    type: 'assessment',
    action,
    recordId,
    entityId: CAMP_SOUTH,
    baseVersion,
    hlc,
    data: { title, answers: [{ question: 'Observations', answer: title }] },
  });
  await push(url, ana, 'ana_phone', [change('create', 0, stamp(0, 'ana_phone'), original)]);
  await push(url, ana, 'ana_phone', [change('update', 1, stamp(1, 'ana_phone'), anaTitle)]);
  const replaced = await push(url, ben, 'ben_phone', [change('update', 1, stamp(2, 'ben_phone'), benTitle)]);
  expect(replaced.conflicts.map((c) => c.resolution)).toEqual(['client_wins']);
  return recordId;
}

const historyItem = (page: Page, recordId: string) => page.locator(`[data-testid="conflict-history-item"][data-record-id="${recordId}"]`);
const openItem = (page: Page, recordId: string) => page.locator(`[data-testid="conflict-item"][data-record-id="${recordId}"]`);

describe('conflicts people can read and act on', () => {
  let server: StartedServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the author, on another device, the count and the list of her edits a colleague overwrote', async () => {
    const anaTitle = 'Borehole 7: pump broken (Ana)';
    const benTitle = 'Borehole 7: pump repaired (Ben)';
    const recordId = await overwrite(server.url, 'Borehole 7', anaTitle, benTitle);

    const { device, page } = await signedIn(browser, server.url, 'ana@demo.fieldsync');
    const count = page.getByTestId('overwritten-count');
    await count.waitFor({ timeout: 30_000 });
    expect(Number(await count.getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
    expect(await count.textContent()).toMatch(/\d+ overwritten/);

    await page.getByTestId('nav-conflicts').click();
    // Filtered by what this test wrote.
    const lost = page.locator(`[data-testid="lost-edit"][data-record-id="${recordId}"]`);
    await lost.waitFor();
    expect(await lost.getAttribute('data-other-device')).toBe('true');
    expect(await lost.getByTestId('conflict-winner').textContent()).toContain(benTitle);
    expect(await lost.getByTestId('conflict-winner').textContent()).toContain('Ben Field');
    expect(await lost.getByTestId('conflict-loser').textContent()).toContain(anaTitle);
    // Readable: names and labels, never ids or raw keys.
    const text = (await lost.textContent()) ?? '';
    expect(text).toContain('Title');
    expect(text).not.toContain(recordId);
    expect(text).not.toMatch(/user [0-9a-f]{8}/);
    await screenshot(page, 'conflicts-overwritten-other-device');
    await device.close();
  });

  it('a coordinator’s restore asks first, stays in the history with her name, and can be undone', async () => {
    const anaTitle = 'Clinic queue: 40 waiting (Ana)';
    const benTitle = 'Clinic queue: 12 waiting (Ben)';
    const recordId = await overwrite(server.url, 'Clinic queue', anaTitle, benTitle);

    const { device, page: cora } = await signedIn(browser, server.url, 'cora@demo.fieldsync');
    await cora.getByTestId('nav-conflicts').click();
    const conflict = openItem(cora, recordId);
    await conflict.waitFor();
    expect(await conflict.getByTestId('conflict-winner').textContent()).toContain('Ben Field');
    expect(await conflict.getByTestId('conflict-loser').textContent()).toContain('Ana Field');

    // Dismissed: nothing is restored.
    const asked: string[] = [];
    cora.once('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await conflict.getByTestId('conflict-restore').click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toContain(anaTitle);
    expect(asked[0]).toContain(benTitle);
    expect(asked[0]).toContain('Ana Field');
    expect(await conflict.isVisible()).toBe(true);
    expect((await serverRecords(server.url, 'cora@demo.fieldsync')).find((r) => r.id === recordId)?.data.title).toBe(benTitle);

    // Accepted: restored, and in the history with who and when.
    cora.once('dialog', (d) => void d.accept());
    await conflict.getByTestId('conflict-restore').click();
    await conflict.waitFor({ state: 'detached' });
    const done = historyItem(cora, recordId);
    await done.waitFor();
    expect(await done.getAttribute('data-action')).toBe('restore_loser');
    expect(await done.getByTestId('conflict-resolved-by').textContent()).toMatch(/^Restored by Cora Coordinator · /);
    await expect.poll(async () => (await serverRecords(server.url, 'cora@demo.fieldsync')).find((r) => r.id === recordId)?.data.title).toBe(anaTitle);
    await screenshot(cora, 'conflicts-history');

    // The history survives a reload of the screen.
    await cora.reload();
    await cora.getByTestId('nav-conflicts').click();
    await historyItem(cora, recordId).waitFor();

    // Undone: Ben's version is back and the conflict is open again.
    cora.once('dialog', (d) => void d.accept());
    await historyItem(cora, recordId).getByTestId('conflict-undo').click();
    await openItem(cora, recordId).waitFor();
    await expect.poll(() => historyItem(cora, recordId).count()).toBe(0);
    await expect.poll(async () => (await serverRecords(server.url, 'cora@demo.fieldsync')).find((r) => r.id === recordId)?.data.title).toBe(benTitle);
    await device.close();
  });
});
