// Forms in the field app, in Chromium against the built app (one server for the file):
//   1. a field worker, offline, fills the demo WASH form: a date, the device's location with
//      its accuracy, choices, numbers and a photo; a required question blocks Save with its
//      message beside it; a show-if question appears only while its condition holds; the save
//      stays on the device, syncs when back online, and the server holds the answers it checked;
//   2. a Save whose photo could not be attached, once the record was made, can be tried again:
//      it updates that record and attaches each photo once;
//   3. a coordinator publishes a new version of a form in the editor, and a field worker's
//      device offers that version after its next sync;
//   4. deleting an assessment with responses says how many go with it and deletes them all.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CAMP_NORTH,
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

const WASH = '0193a000-0000-7000-8000-00000000f001';
const HOUSEHOLD = '0193a000-0000-7000-8000-00000000f002';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const question = (page: Page, id: string) => page.locator(`[data-testid="question"][data-question-id="${id}"]`);

describe('forms in the field app', () => {
  let server: StartedServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('fills the WASH form offline with fitting inputs, checks it, and the server gets the checked answers', async () => {
    const device = await newDevice(browser, server.url);
    await device.grantPermissions(['geolocation']);
    await device.setGeolocation({ latitude: 12.3456, longitude: -1.5432, accuracy: 14 });
    const page = await device.newPage();
    const errors = collectErrors(page);
    await signIn(page, 'ana@demo.fieldsync');
    await waitForServiceWorker(page);
    await openEntity(page, CAMP_NORTH);
    await page.getByTestId('new-assessment').click();
    // The forms came with the first sync, so they are offered offline.
    await page.locator(`[data-testid="form-option"][data-form-id="${WASH}"]`).waitFor();
    await device.setOffline(true);
    await page.locator(`[data-testid="form-option"][data-form-id="${WASH}"]`).click();
    await page.getByTestId('form-fill').waitFor();

    // Inputs fit their questions.
    expect(await question(page, 'visit_date').locator('input').getAttribute('type')).toBe('date');
    expect(await question(page, 'free_chlorine').locator('input').getAttribute('inputmode')).toBe('decimal');
    expect(await question(page, 'queue_minutes').locator('input').getAttribute('inputmode')).toBe('numeric');
    const choiceBox = await question(page, 'point_type').locator('label.choice').first().boundingBox();
    expect(choiceBox!.height).toBeGreaterThanOrEqual(44);

    await question(page, 'visit_date').locator('input').fill('2026-12-01');
    await question(page, 'location').getByTestId('locate').click();
    await question(page, 'location').getByTestId('location-accuracy').filter({ hasText: '14' }).waitFor();
    expect(await question(page, 'location').getByTestId('latitude').inputValue()).toBe('12.3456');
    await question(page, 'point_type').getByText('Hand pump').click();
    await question(page, 'free_chlorine').locator('input').fill('0,5');
    await question(page, 'queue_minutes').locator('input').fill('15');
    await question(page, 'photos').getByTestId('question-photo-input').setInputFiles({ name: 'pump.png', mimeType: 'image/png', buffer: PNG });
    await question(page, 'photos').getByTestId('question-photo').waitFor();

    // A required question left empty blocks Save, with its message beside it.
    await page.getByTestId('assessment-save').click();
    await question(page, 'functional').getByTestId('question-error').filter({ hasText: 'An answer is required.' }).waitFor();
    expect(await page.getByTestId('toast').count()).toBe(0);

    // The faults question shows only while the point is not working; hidden, it is not saved.
    expect(await question(page, 'faults').count()).toBe(0);
    await question(page, 'functional').getByText('No', { exact: true }).click();
    await question(page, 'faults').waitFor();
    await question(page, 'faults').getByText('Pump or handle').click();
    await question(page, 'functional').getByText('Yes', { exact: true }).click();
    await expect.poll(() => question(page, 'faults').count()).toBe(0);
    await screenshot(page, 'forms-01-wash-form');

    await page.getByTestId('assessment-save').click();
    await page.getByTestId('toast').filter({ hasText: 'Saved on this device' }).waitFor();
    await page.getByTestId('assessment-heading').filter({ hasText: 'WASH water point check' }).waitFor();
    // The detail shows the answers by question label, in form order.
    await page.getByTestId('form-answer').first().waitFor();
    const labels = await page.getByTestId('form-answer').locator('dt').allTextContents();
    expect(labels.slice(0, 4)).toEqual(['Date of the visit', 'Location of the water point', 'Type of water point', 'Is the water point working?']);
    await page.getByTestId('form-answer').filter({ hasText: 'Hand pump' }).waitFor();
    const assessmentId = page.url().split('/assessments/')[1]!;
    await screenshot(page, 'forms-02-wash-answers');

    await device.setOffline(false);
    await expect
      .poll(async () => (await serverRecords(server.url, 'ana@demo.fieldsync')).find((r) => r.id === assessmentId)?.data.answers, { timeout: 30_000 })
      .toBeDefined();
    const saved = (await serverRecords(server.url, 'ana@demo.fieldsync')).find((r) => r.id === assessmentId)!;
    expect(saved.data).toMatchObject({ formId: WASH, formVersion: 1 });
    const answers = saved.data.answers as Record<string, unknown>;
    expect(answers).toMatchObject({
      visit_date: '2026-12-01',
      location: { latitude: 12.3456, longitude: -1.5432, accuracy: 14 },
      point_type: 'handpump',
      functional: 'yes',
      free_chlorine: 0.5,
      queue_minutes: 15,
    });
    expect(answers).not.toHaveProperty('faults');
    expect(answers.photos).toHaveLength(1);
    expect(errors.filter((e) => !/Failed to fetch|ERR_INTERNET_DISCONNECTED|net::/.test(e))).toEqual([]);
    await device.close();
  });

  it('saving again after a photo failed to attach updates the assessment the first Save created, with each photo once', async () => {
    const { device, page } = await signedIn(browser, server.url, 'ana@demo.fieldsync', { site: CAMP_NORTH });
    await page.getByTestId('new-assessment').click();
    await page.locator(`[data-testid="form-option"][data-form-id="${WASH}"]`).click();
    await question(page, 'visit_date').locator('input').fill('2026-12-02');
    await question(page, 'location').getByTestId('latitude').fill('12.5');
    await question(page, 'location').getByTestId('longitude').fill('-1.25');
    await question(page, 'point_type').getByText('Tap stand').click();
    await question(page, 'functional').getByText('Yes', { exact: true }).click();
    // The second file is one the device refuses to attach (not an image, PDF or audio).
    await question(page, 'photos').getByTestId('question-photo-input').setInputFiles([
      { name: 'tap.png', mimeType: 'image/png', buffer: PNG },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
    ]);
    await expect.poll(() => question(page, 'photos').getByTestId('question-photo').count()).toBe(2);

    await page.getByTestId('assessment-save').click();
    await page.getByRole('alert').filter({ hasText: 'The answers are saved on this device, but a photo is not: files of type text/plain' }).waitFor();
    expect(page.url()).toContain('/new');
    // The refused file goes; Save again saves the assessment the first Save created.
    await page.getByRole('button', { name: 'Remove notes.txt' }).click();
    await page.getByTestId('assessment-save').click();
    await page.getByTestId('assessment-heading').filter({ hasText: 'WASH water point check' }).waitFor();
    const assessmentId = page.url().split('/assessments/')[1]!;

    await expect
      .poll(async () => {
        const records = await serverRecords(server.url, 'ana@demo.fieldsync');
        const answers = records.find((r) => r.id === assessmentId)?.data.answers as Record<string, unknown> | undefined;
        const media = records.filter((r) => r.type === 'media' && !r.deleted && r.data.parentId === assessmentId).map((r) => r.id);
        return { photos: answers?.photos, media };
      }, { timeout: 30_000 })
      .toEqual({ photos: [expect.any(String)], media: [expect.any(String)] });
    const records = await serverRecords(server.url, 'ana@demo.fieldsync');
    const saved = records.find((r) => r.id === assessmentId)!;
    const media = records.find((r) => r.type === 'media' && r.data.parentId === assessmentId)!;
    expect((saved.data.answers as Record<string, unknown>).photos).toEqual([media.id]);
    expect(saved.data.answers).toMatchObject({ visit_date: '2026-12-02', point_type: 'tapstand', functional: 'yes' });
    await device.close();
  });

  it('a coordinator publishes a new version in the form editor, and a field worker’s device offers it', async () => {
    const { device: coordDevice, page: cora } = await signedIn(browser, server.url, 'cora@demo.fieldsync', { acceptDialogs: true });
    await cora.getByTestId('nav-forms').click();
    await cora.locator(`[data-testid="editor-form-item"][data-form-id="${HOUSEHOLD}"]`).getByTestId('edit-form').click();
    await cora.getByTestId('editor-title').waitFor();
    const before = await cora.getByTestId('editor-question').count();

    await cora.getByTestId('editor-add-type').selectOption('single_choice');
    await cora.getByTestId('editor-add').click();
    const added = cora.getByTestId('editor-question').nth(before);
    await added.getByTestId('q-label').fill('Main water source');
    await added.getByTestId('q-id').fill('water_source');
    await added.getByTestId('choice-label').first().fill('Tap');
    await added.getByTestId('choice-value').first().fill('tap');
    await added.getByTestId('add-choice').click();
    await added.getByTestId('choice-label').nth(1).fill('Well');
    await added.getByTestId('choice-value').nth(1).fill('well');
    // Ordered: moved up one place, it now comes before the last question.
    await added.getByTestId('move-up').click();
    await expect.poll(() => cora.getByTestId('editor-question').nth(before - 1).getAttribute('data-question-id')).toBe('water_source');
    await cora.getByTestId('editor-preview').click();
    await cora.getByTestId('form-preview').locator('[data-question-id="water_source"]').getByText('Well').waitFor();
    await screenshot(cora, 'forms-03-editor');
    await cora.getByTestId('editor-publish').click();
    await cora.getByTestId('publish-done').filter({ hasText: 'version 2' }).waitFor();

    const { device: anaDevice, page: ana } = await signedIn(browser, server.url, 'ana@demo.fieldsync');
    await ana.getByTestId('sync-now').click();
    await openEntity(ana, CAMP_SOUTH);
    await ana.getByTestId('new-assessment').click();
    const option = ana.locator(`[data-testid="form-option"][data-form-id="${HOUSEHOLD}"]`);
    await expect.poll(() => option.getAttribute('data-form-version'), { timeout: 20_000 }).toBe('2');
    await option.click();
    await question(ana, 'water_source').getByText('Well').waitFor();
    await Promise.all([coordDevice.close(), anaDevice.close()]);
  });

  it('deleting an assessment says how many responses go with it, and deletes them on the server too', async () => {
    const device = await newDevice(browser, server.url);
    const page = await device.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await signIn(page, 'ben@demo.fieldsync');
    await openEntity(page, CAMP_SOUTH);
    await createAssessment(page, 'Latrine check');
    await page.getByTestId('assessment-item').filter({ hasText: 'Latrine check' }).click();
    for (const who of ['Household 3', 'Household 4', 'Household 5']) {
      await page.getByTestId('new-response').click();
      await page.getByTestId('response-respondent').fill(who);
      await page.getByTestId('response-save').click();
      await page.getByTestId('response-item').filter({ hasText: who }).waitFor();
    }
    const assessmentId = page.url().split('/assessments/')[1]!;
    const ids = [assessmentId, ...(await page.getByTestId('response-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-response-id')!)))];
    await page.getByTestId('delete-assessment').click();
    await page.getByTestId('new-assessment').waitFor();
    expect(dialogs.at(-1)).toBe('Delete “Latrine check”? This deletes the assessment and its 3 responses on every device.');
    await expect
      .poll(
        async () => {
          const records = await serverRecords(server.url, 'ben@demo.fieldsync');
          return ids.map((id) => records.find((r) => r.id === id)?.deleted);
        },
        { timeout: 30_000 },
      )
      .toEqual([true, true, true, true]);
    await device.close();
  });
});
