// For end-to-end tests: the working tree as a fresh clone would have it, in a temporary folder:
// the files git tracks or would track (so edits not yet committed are tested too), without
// .next/, data/ or anything else ignored, and node_modules hard-linked from this checkout
// instead of installed (the same packages `npm install` put here, in no time; a symlink would
// not do, as Next's bundler refuses a node_modules that points outside the project).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './server';

export interface FreshClone {
  readonly dir: string;
  remove(): Promise<void>;
}

export async function freshClone(): Promise<FreshClone> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fieldsync-clone-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(path.join(ROOT, f)));
  for (const f of files) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await copyFile(path.join(ROOT, f), path.join(dir, f));
  }
  execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules')]);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
