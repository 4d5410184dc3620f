// Runs `next build` only when the build is missing or older than its sources, so `npm start`
// and the end-to-end tests build once and then reuse .next/. Sources: everything under src/
// and public/ except tests, plus the files that configure the build. Concurrent callers (test
// runs started at once) wait for one build through a lock folder instead of building twice.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_DIRS = ['src', 'public'];
const SOURCE_FILES = ['next.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'postcss.config.mjs'];
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
// Written by the build itself (service worker output, see .gitignore): never a reason to rebuild.
const BUILD_OUTPUT = /[\\/]public[\\/](sw\.js(\.map)?|swe-worker-[^\\/]*)$/;
const LOCK_STALE_MS = 20 * 60_000;

function newestMtime(p) {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return TEST_FILE.test(p) || BUILD_OUTPUT.test(p) ? 0 : st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file changes its folder's mtime
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** Why a build is needed, or null when .next/BUILD_ID is newer than every source. */
export function buildReason(root) {
  const id = path.join(root, '.next', 'BUILD_ID');
  if (!existsSync(id)) return 'no build yet';
  const built = statSync(id).mtimeMs;
  const newest = Math.max(...[...SOURCE_DIRS, ...SOURCE_FILES].map((p) => newestMtime(path.join(root, p))));
  return newest > built ? 'sources changed since the last build' : null;
}

function run(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`next build failed (${signal ?? code})`))));
  });
}

async function withLock(root, fn) {
  const lock = path.join(os.tmpdir(), `fieldsync-build-${createHash('sha1').update(root).digest('hex').slice(0, 12)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds when needed; resolves when .next/ is up to date, rejects when the build fails. */
export async function buildIfNeeded(root = process.cwd()) {
  if (buildReason(root) === null) return false;
  return withLock(root, async () => {
    const reason = buildReason(root); // another caller may have built while we waited
    if (reason === null) return false;
    console.warn(`fieldsync: building (${reason}) ...`);
    const nextBin = createRequire(path.join(root, 'package.json')).resolve('next/dist/bin/next');
    await run(process.execPath, [nextBin, 'build'], root);
    return true;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildIfNeeded(process.cwd()).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
