// The browser cases' own figures, run by run: the device's rate in Chromium beside the rate at
// which the server takes the same work from the bench's Node client in the same run (the
// baseline), and the page's long tasks meanwhile. Printed after the cases and written in the
// results' notes.
import { median } from '../support/stats';
import { type LongTasks, UNRESPONSIVE_MS } from './long-tasks';

/** The device's rate is to be at least this share of the server's, in the same run. */
export const DEVICE_SHARE_GOAL = 0.25;

export type BrowserWork = 'drain' | 'pull';

export interface BrowserRun {
  /** Changes (drain) or records (pull) per second in Chromium, the app's engine. */
  readonly device: number;
  /** The same work from the bench's Node client, per second, just before. */
  readonly server: number;
  readonly tasks: LongTasks;
}

const WHAT: Record<BrowserWork, { title: string; baseline: string; unit: string }> = {
  drain: { title: 'Browser drain', baseline: 'the Node client pushing the same queue, 2 batches in flight', unit: 'changes/s' },
  pull: { title: 'Browser pull', baseline: 'the Node client pulling the same records, pages of the same size', unit: 'records/s' },
};

export class BrowserFigures {
  private readonly runs = new Map<string, BrowserRun[]>();

  add(work: BrowserWork, contender: string, run: BrowserRun): void {
    const key = `${work} ${contender}`;
    this.runs.set(key, [...(this.runs.get(key) ?? []), run]);
  }

  /** One line per work and contender: medians, device ÷ server, long tasks. */
  lines(): string[] {
    const out: string[] = [];
    for (const [key, runs] of this.runs) {
      const [work, contender] = key.split(' ') as [BrowserWork, string];
      const w = WHAT[work];
      const device = median(runs.map((r) => r.device));
      const server = median(runs.map((r) => r.server));
      const ratio = device / server;
      const perRun = runs.map((r) => (r.device / r.server).toFixed(2)).join(', ');
      const longest = Math.max(...runs.map((r) => r.tasks.longestMs));
      const over = runs.reduce((s, r) => s + r.tasks.over, 0);
      out.push(
        `${w.title} (${contender}, ${runs.length} run(s)): device in Chromium ${fmt(device)} ${w.unit}, server ${fmt(server)} ${w.unit} (${w.baseline}, in the same runs); ` +
          `device ÷ server ${ratio.toFixed(2)} (per run ${perRun}; goal ≥ ${DEVICE_SHARE_GOAL}: ${ratio >= DEVICE_SHARE_GOAL ? 'met' : 'NOT met'}); ` +
          `page long tasks: longest ${longest} ms, ${over} over ${UNRESPONSIVE_MS} ms (goal: none)`,
      );
    }
    return out;
  }
}

function fmt(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}
