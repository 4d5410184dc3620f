// The chaos run's outcome as JSON (for tools and CI) and Markdown (for people).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { problems } from './check';
import type { RunResult } from './scenario';

export function markdown(r: RunResult, title: string): string {
  const ok = problems(r) === 0 && r.instanceCrashes === 0;
  const lines = [
    `# ${title}`,
    '',
    `Seed **${r.seed}** (reproduce the schedule with \`--seed ${r.seed}\`). ${r.devices} devices (${r.browsers} in Chromium), ${r.instances} API instances, own PostgreSQL.`,
    '',
    `| lost | duplicated | diverged | stuck | photos lost |`,
    `|---:|---:|---:|---:|---:|`,
    `| ${r.lost} | ${r.duplicated} | ${r.diverged} | ${r.stuck} | ${r.photosLost} |`,
    '',
    ...(r.instanceCrashes > 0 ? [`API instances exited by themselves **${r.instanceCrashes}** time(s) (the run started them again).`, ''] : []),
    `**${ok ? 'PASS' : 'FAIL'}**: ${r.changes} changes saved (${r.distinctChanges} change ids after coalescing), ${r.photos} photos, ${r.totalFaults} faults in ${Math.round(r.faultPhaseMs / 1000)} s, drained in ${Math.round(r.drainMs / 1000)} s${r.drained ? '' : ' (NOT drained within the bound)'}.`,
    '',
    '| fault | count |',
    '|---|---:|',
    ...Object.entries(r.faults)
      .sort()
      .map(([k, v]) => `| ${k} | ${v} |`),
    '',
    ...(r.browsers > 0
      ? [
          `Chromium devices saved ${r.browserChanges} of the changes; they were killed (SIGKILL) and launched again on their profile ${r.browserKills} times, ${r.browserKillsMidSync} of them with a sync under way. ` +
            `The harness deleted the profile's IndexedDB at ${r.browserStorageDeleted} of the relaunches; the safety copies gave back ${r.restoredChanges} changes and ${r.restoredPhotos} photos` +
            `${r.browserStorageLost > 0 ? `; **${r.browserStorageLost} relaunches found their IndexedDB gone by Chromium's doing**` : ''}.`,
          '',
        ]
      : []),
    '| outcome of a change id | count |',
    '|---|---:|',
    ...Object.entries(r.outcomes)
      .sort()
      .map(([k, v]) => `| ${k} | ${v} |`),
  ];
  if (r.examples.length > 0) lines.push('', 'First problems found:', '', ...r.examples.map((e) => `- ${e}`));
  return `${lines.join('\n')}\n`;
}

export function writeReport(dir: string, name: string, r: RunResult, title: string): string[] {
  const json = path.join(dir, `${name}.json`);
  const md = path.join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, markdown(r, title));
  return [json, md];
}
