// Builds the app only when the build is missing or older than its sources, so `npm start` and
// the end-to-end tests build once and then reuse .next/. The build is two outputs: `next build`
// (.next/BUILD_ID and the rest) and the production server bundled by esbuild from
// src/server/node/main.ts (.next/fieldsync/server.mjs, see scripts/server-command.mjs), each
// rebuilt when older than the sources (`next build` empties .next/, so the bundle comes after).
// Sources: everything under src/ and public/ except tests, plus the files that configure the
// build. Concurrent callers (test runs started at once) wait for one build through a lock
// folder instead of building twice. `--force` (npm run build) builds both whatever their age.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_BUNDLE } from './server-command.mjs';

const SOURCE_DIRS = ['src', 'public'];
const SOURCE_FILES = ['next.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'postcss.config.mjs'];
// The bundle's options are in this file: changing them rebuilds the bundle (not Next's build).
const BUNDLE_SOURCE_FILES = ['scripts/build-if-needed.mjs'];
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

function newestSource(root, files = SOURCE_FILES) {
  return Math.max(...[...SOURCE_DIRS, ...files].map((p) => newestMtime(path.join(root, p))));
}

/** Why `next build` is needed, or null when .next/BUILD_ID is newer than every source. */
export function buildReason(root) {
  const id = path.join(root, '.next', 'BUILD_ID');
  if (!existsSync(id)) return 'no build yet';
  return newestSource(root) > statSync(id).mtimeMs ? 'sources changed since the last build' : null;
}

/** Why the server bundle is needed, or null when it is newer than every source. */
export function bundleReason(root) {
  const bundle = path.join(root, SERVER_BUNDLE);
  if (!existsSync(bundle)) return 'no server bundle yet';
  return newestSource(root, [...SOURCE_FILES, ...BUNDLE_SOURCE_FILES]) > statSync(bundle).mtimeMs ? 'sources changed since the last bundle' : null;
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

/**
 * The production server, bundled: our code (the `@/` alias resolved) in one ES module, every
 * package (Next.js, React, the database drivers) left to node_modules at run time.
 */
async function bundleServer(root) {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/server/node/main.ts'],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: 'tsconfig.json',
    metafile: true,
    logLevel: 'warning',
  });
  const packaged = Object.keys(result.metafile.inputs).filter((p) => p.includes('node_modules'));
  if (packaged.length > 0) throw new Error(`the server bundle must not contain packages: ${packaged.join(', ')}`);
}

/** Builds when needed (both outputs with `force`); resolves once .next/ is up to date, rejects when a build fails. */
export async function buildIfNeeded(root = process.cwd(), { force = false } = {}) {
  if (!force && buildReason(root) === null && bundleReason(root) === null) return false;
  return withLock(root, async () => {
    // Another caller may have built while we waited.
    const reason = force ? 'forced' : buildReason(root);
    if (reason !== null) {
      console.warn(`fieldsync: building (${reason}) ...`);
      const nextBin = createRequire(path.join(root, 'package.json')).resolve('next/dist/bin/next');
      await run(process.execPath, [nextBin, 'build'], root);
    }
    const bundle = force ? 'forced' : bundleReason(root);
    if (bundle !== null) {
      console.warn(`fieldsync: bundling the server (${bundle}) ...`);
      await bundleServer(root);
    }
    return reason !== null || bundle !== null;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildIfNeeded(process.cwd(), { force: process.argv.includes('--force') }).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
