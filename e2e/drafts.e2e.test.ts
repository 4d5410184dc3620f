// Nothing typed is lost, in Chromium against the built app: a half-filled form comes back after
// a reload and after its tab is killed, with a notice and a way to discard it; leaving a changed
// form asks first (a link, Cancel, or the browser's Back); saving clears the draft, and Back
// after Save shows what was saved, never an empty form or the form picker again. The form
// editor keeps its unpublished edits the same way.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMP_NORTH, CAMP_SOUTH, acceptDialogs, assessmentItem, createAssessment, launchBrowser, signedIn } from './support/browser';
import { type StartedServer, startServer } from './support/server';

const WASH = '0193a000-0000-7000-8000-00000000f001';
const HOUSEHOLD = '0193a000-0000-7000-8000-00000000f002';
const question = (page: Page, id: string) => page.locator(`[data-testid="question"][data-question-id="${id}"]`);

describe('drafts of forms', () => {
  let server: StartedServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('brings back a half-filled free-form assessment after a reload and after the tab is killed', async () => {
    const { device, page } = await signedIn(browser, server.url, 'ana@demo.fieldsync', { site: CAMP_SOUTH, acceptDialogs: true });
    await page.getByTestId('new-assessment').click();
    await page.getByTestId('assessment-title').fill('Market prices 🌾🌾');
    await page.getByTestId('answer-question').first().fill('Flour');
    // The counter counts characters: the two emoji are two.
    await page.getByTestId('char-counter').first().filter({ hasText: '16 / 200' }).waitFor();
    const formUrl = page.url();
    await expect.poll(() => draftHolds(page, 'Flour')).toBe(true);

    await page.reload();
    await page.getByTestId('draft-restored').waitFor();
    expect(await page.getByTestId('assessment-title').inputValue()).toBe('Market prices 🌾🌾');
    expect(await page.getByTestId('answer-question').first().inputValue()).toBe('Flour');

    // A killed tab: a new page of the same device opens the form again.
    await page.getByTestId('answer-text').first().fill('1 200 per kg');
    await expect.poll(() => draftHolds(page, '1 200 per kg')).toBe(true);
    await page.close({ runBeforeUnload: false });
    const again = await device.newPage();
    acceptDialogs(again);
    await again.goto(formUrl);
    await again.getByTestId('draft-restored').waitFor();
    expect(await again.getByTestId('answer-text').first().inputValue()).toBe('1 200 per kg');

    // Discard draft: the form starts again, empty, and stays so after a reload.
    await again.getByTestId('discard-draft').click();
    await expect.poll(() => again.getByTestId('assessment-title').inputValue()).toBe('');
    await expect.poll(() => draftHolds(again, '1 200 per kg')).toBe(false);
    await again.reload();
    await again.getByTestId('assessment-title').waitFor();
    expect(await again.getByTestId('draft-restored').count()).toBe(0);
    await device.close();
  });

  it('keeps a form-based draft with its answers across a reload', async () => {
    const { device, page } = await signedIn(browser, server.url, 'ana@demo.fieldsync', { site: CAMP_NORTH, acceptDialogs: true });
    await page.getByTestId('new-assessment').click();
    await page.locator(`[data-testid="form-option"][data-form-id="${HOUSEHOLD}"]`).click();
    await question(page, 'head_name').locator('input').fill('Amina');
    await question(page, 'members').locator('input').fill('6');
    await question(page, 'priority_needs').getByText('Health care').click();
    await question(page, 'health_concern').locator('input').fill('Malaria');
    await expect.poll(() => draftHolds(page, 'Malaria')).toBe(true);
    await page.reload();
    await page.getByTestId('draft-restored').waitFor();
    expect(await question(page, 'head_name').locator('input').inputValue()).toBe('Amina');
    expect(await question(page, 'health_concern').locator('input').inputValue()).toBe('Malaria');
    expect(await question(page, 'priority_needs').getByRole('checkbox', { name: 'Health care' }).isChecked()).toBe(true);
    await device.close();
  });

  it('browser Back on a changed form asks; refusing keeps the typed text, accepting leaves with the draft kept', async () => {
    const { device, page } = await signedIn(browser, server.url, 'ben@demo.fieldsync', { site: CAMP_SOUTH });
    await page.getByTestId('new-assessment').click();
    await page.getByTestId('assessment-title').fill('Borehole repair');
    await expect.poll(() => draftHolds(page, 'Borehole repair')).toBe(true);
    const formUrl = page.url();

    const asked: string[] = [];
    let answer = false;
    page.on('dialog', (d) => {
      asked.push(d.message());
      void (answer ? d.accept() : d.dismiss());
    });
    await page.goBack();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toBe('Leave this form? What you typed stays on this device as a draft.');
    await expect.poll(() => page.url()).toBe(formUrl);
    expect(await page.getByTestId('assessment-title').inputValue()).toBe('Borehole repair');
    // Refused twice in a row: still asked, still on the form.
    await page.goBack();
    await expect.poll(() => asked.length).toBe(2);
    await expect.poll(() => page.url()).toBe(formUrl);
    expect(await page.getByTestId('assessment-title').inputValue()).toBe('Borehole repair');

    answer = true;
    await page.goBack();
    await expect.poll(() => asked.length).toBe(3);
    await expect.poll(() => page.getByTestId('assessment-title').count()).toBe(0);
    expect(page.url()).toContain(`/entities/${CAMP_SOUTH}`);
    expect(page.url()).not.toContain('/new');
    // The draft is still there when the form is opened again.
    await page.getByTestId('new-assessment').click();
    await page.getByTestId('draft-restored').waitFor();
    expect(await page.getByTestId('assessment-title').inputValue()).toBe('Borehole repair');
    await device.close();
  });

  it('Back after saving a new form-based assessment goes past the form picker, to the site with what was saved', async () => {
    const { device, page } = await signedIn(browser, server.url, 'ana@demo.fieldsync', { site: CAMP_NORTH, acceptDialogs: true });
    const siteUrl = page.url();
    await page.getByTestId('new-assessment').click();
    await page.locator(`[data-testid="form-option"][data-form-id="${HOUSEHOLD}"]`).click();
    await question(page, 'head_name').locator('input').fill('Yusuf');
    await question(page, 'members').locator('input').fill('4');
    await question(page, 'shelter').getByText('Tent').click();
    await question(page, 'priority_needs').getByText('Food').click();
    await page.getByTestId('assessment-save').click();
    await page.getByTestId('assessment-heading').filter({ hasText: 'Household survey' }).waitFor();
    const savedUrl = page.url();
    expect(savedUrl).toContain('/assessments/');

    // Neither the form nor the picker it was opened from is in the history any more.
    await page.goBack();
    await expect.poll(() => page.url()).toBe(siteUrl);
    await page.getByTestId('assessment-item').filter({ hasText: 'Household survey' }).waitFor();
    expect(await page.getByTestId('form-option').count()).toBe(0);
    expect(await page.getByTestId('form-fill').count()).toBe(0);
    await page.goForward();
    await expect.poll(() => page.url()).toBe(savedUrl);
    await page.getByTestId('assessment-heading').filter({ hasText: 'Household survey' }).waitFor();
    await device.close();
  });

  it('keeps an edited, unpublished form definition in the form editor across a reload, and asks before leaving it', async () => {
    const { device, page } = await signedIn(browser, server.url, 'cora@demo.fieldsync');
    await page.getByTestId('nav-forms').click();
    await page.locator(`[data-testid="editor-form-item"][data-form-id="${WASH}"]`).getByTestId('edit-form').click();
    const title = page.getByTestId('editor-title');
    await title.waitFor();
    const published = await title.inputValue();
    const before = await page.getByTestId('editor-question').count();
    await title.fill('Water point check, dry season');
    await page.getByTestId('editor-add').click();
    await page.getByTestId('editor-question').nth(before).getByTestId('q-label').fill('Is the apron cracked?');
    await expect.poll(() => draftHolds(page, 'Is the apron cracked?')).toBe(true);

    await page.reload();
    await page.getByTestId('draft-restored').waitFor();
    expect(await title.inputValue()).toBe('Water point check, dry season');
    expect(await page.getByTestId('editor-question').count()).toBe(before + 1);
    expect(await page.getByTestId('editor-question').nth(before).getByTestId('q-label').inputValue()).toBe('Is the apron cracked?');

    // Leaving the changed editor asks; refusing stays with the edits.
    const asked: string[] = [];
    page.on('dialog', (d) => {
      asked.push(d.message());
      void d.dismiss();
    });
    await page.getByRole('link', { name: 'Sites' }).click();
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toBe('Leave this form? What you typed stays on this device as a draft.');
    expect(await title.inputValue()).toBe('Water point check, dry season');

    // Discard: the published definition again, and no draft after a reload.
    await page.getByTestId('discard-draft').click();
    await expect.poll(() => title.inputValue()).toBe(published);
    expect(await page.getByTestId('editor-question').count()).toBe(before);
    await expect.poll(() => draftHolds(page, 'Is the apron cracked?')).toBe(false);
    await page.reload();
    await title.waitFor();
    expect(await page.getByTestId('draft-restored').count()).toBe(0);
    await device.close();
  });

  it('asks before leaving a changed form, and Back after Save shows what was saved', async () => {
    const { device, page } = await signedIn(browser, server.url, 'ben@demo.fieldsync', { site: CAMP_SOUTH });
    acceptDialogs(page);
    await createAssessment(page, 'Water trucking');
    page.removeAllListeners('dialog');

    await assessmentItem(page, 'Water trucking').click();
    await page.getByTestId('edit-assessment').click();
    await page.getByTestId('assessment-title').fill('Water trucking, week 2');

    // Leaving by a link asks; refusing stays on the form with what was typed.
    const asked: string[] = [];
    page.on('dialog', (d) => {
      asked.push(d.type());
      void d.dismiss();
    });
    await page.getByRole('link', { name: 'Sites' }).click();
    await expect.poll(() => asked.length).toBe(1);
    expect(page.url()).toContain('/edit');
    expect(await page.getByTestId('assessment-title').inputValue()).toBe('Water trucking, week 2');
    // Cancel asks too.
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => asked.length).toBe(2);
    expect(page.url()).toContain('/edit');
    page.removeAllListeners('dialog');

    await page.getByTestId('assessment-save').click();
    await page.getByTestId('assessment-heading').filter({ hasText: 'Water trucking, week 2' }).waitFor();
    // Back goes to what came before the form: the saved assessment, not the form again.
    await page.goBack();
    await page.getByTestId('assessment-heading').filter({ hasText: 'Water trucking, week 2' }).waitFor();
    expect(page.url()).not.toContain('/edit');
    expect(await page.getByTestId('assessment-title').count()).toBe(0);
    await device.close();
  });
});

/** The device's draft store holds this text (the draft is written as the user types). */
async function draftHolds(page: Page, text: string): Promise<boolean> {
  return page.evaluate(async (wanted) => {
    const dbs = await indexedDB.databases();
    for (const { name } of dbs) {
      if (!name?.startsWith('fieldsync')) continue;
      const found = await new Promise<boolean>((resolve) => {
        const open = indexedDB.open(name);
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('drafts')) {
            db.close();
            return resolve(false);
          }
          const req = db.transaction('drafts').objectStore('drafts').getAll();
          req.onsuccess = () => {
            db.close();
            resolve(JSON.stringify(req.result).includes(wanted));
          };
          req.onerror = () => {
            db.close();
            resolve(false);
          };
        };
      });
      if (found) return true;
    }
    return false;
  }, text);
}
