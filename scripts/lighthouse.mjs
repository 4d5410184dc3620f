// `npm run lighthouse`: Lighthouse's accessibility score of the main screens (sign-in, sites, a
// site, an assessment, the sync queue) of the built app, each at least 95 or the run fails.
// It starts the built server as the end-to-end tests do (scripts/start.mjs on a free port of
// 127.0.0.1, a fresh embedded database with the demo users), launches Debian's Chromium through
// chrome-launcher, signs the field worker in and saves one assessment through the app itself in
// that browser's profile, then audits each screen with the profile kept (disableStorageReset).
// Writes bench/results/lighthouse.md. Installs nothing: lighthouse and chrome-launcher are
// devDependencies. Not part of `npm test` (a minute or more).
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '..');
const MIN_SCORE = 95;
const REPORT = path.join(ROOT, 'bench', 'results', 'lighthouse.md');
const CHROME_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const USER = { email: 'ana@demo.fieldsync', password: 'fieldsync-demo' };
const CAMP_NORTH = '0193a000-0000-7000-8000-00000000c001';

async function freePort() {
  const srv = createServer();
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** The built app on a free port with a fresh database; resolves once healthy. */
async function startApp() {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fieldsync-lighthouse-'));
  const env = { ...process.env, PORT: String(port), NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', FIELDSYNC_LOG_LEVEL: 'warn', FIELDSYNC_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['scripts/start.mjs', '--hostname', '127.0.0.1'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-16_384)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-16_384)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 600_000; // a first start may build the app
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited before it was healthy:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server was not healthy in time:\n${output}`);
    }
    const ok = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false);
    if (ok) return { url, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Signs in through the login screen and saves one assessment, in the Chrome Lighthouse then uses. */
async function prepareProfile(port, url) {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  try {
    const page = await browser.contexts()[0].newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(url);
    await page.getByTestId('login-email').fill(USER.email);
    await page.getByTestId('login-password').fill(USER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('entity-item').first().waitFor();
    await page.goto(`${url}/#/entities/${CAMP_NORTH}/new`);
    await page.getByTestId('assessment-title').fill('Water point check');
    await page.getByTestId('answer-question').first().fill('Observations');
    await page.getByTestId('answer-text').first().fill('The pump works; the queue is long.');
    await page.getByTestId('assessment-save').click();
    const item = page.locator('[data-testid="assessment-item"][data-status="synced"]').first();
    await item.waitFor();
    const assessmentId = await item.getAttribute('data-record-id');
    await page.close();
    return assessmentId;
  } finally {
    await browser.close();
  }
}

async function audit(port, url) {
  const result = await lighthouse(url, { port, onlyCategories: ['accessibility'], disableStorageReset: true, output: 'json', logLevel: 'error' });
  if (!result) throw new Error(`lighthouse gave no result for ${url}`);
  const category = result.lhr.categories.accessibility;
  const failing = category.auditRefs
    .map((ref) => result.lhr.audits[ref.id])
    .filter((a) => a && a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
    .map((a) => a.id);
  return { score: Math.round((category.score ?? 0) * 100), failing };
}

const app = await startApp();
let chrome;
let failed = false;
try {
  chrome = await chromeLauncher.launch({ chromePath: CHROME_PATH, chromeFlags: CHROME_FLAGS });
  // Sign-in first, while the profile has no session.
  const rows = [{ screen: 'sign-in', hash: '#/', ...(await audit(chrome.port, `${app.url}/`)) }];
  const assessmentId = await prepareProfile(chrome.port, app.url);
  const screens = [
    { screen: 'sites', hash: '#/' },
    { screen: 'a site', hash: `#/entities/${CAMP_NORTH}` },
    { screen: 'an assessment', hash: `#/assessments/${assessmentId}` },
    { screen: 'sync queue', hash: '#/queue' },
  ];
  for (const s of screens) rows.push({ ...s, ...(await audit(chrome.port, `${app.url}/${s.hash}`)) });
  failed = rows.some((r) => r.score < MIN_SCORE);
  const table = rows.map((r) => `| ${r.screen} | \`${r.hash}\` | ${r.score} | ${r.failing.join(', ') || '–'} |`).join('\n');
  const md = `# Lighthouse accessibility\n\nLighthouse 12.2.3, accessibility category only, mobile emulation, Debian's Chromium, the built app with the demo data (field worker ana), English. Made by \`npm run lighthouse\` (scripts/lighthouse.mjs); each screen must score at least ${MIN_SCORE}.\n\n| Screen | Route | Score | Failing audits |\n| --- | --- | --- | --- |\n${table}\n`;
  await mkdir(path.dirname(REPORT), { recursive: true });
  await writeFile(REPORT, md);
  console.warn(md);
  if (failed) console.error(`lighthouse: a screen scored below ${MIN_SCORE}`);
} finally {
  await chrome?.kill();
  await app.stop();
}
process.exit(failed ? 1 : 0);
