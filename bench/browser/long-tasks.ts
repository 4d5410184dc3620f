// Responsiveness of the bench's page while the engine drains or pulls: the Long Tasks API
// (PerformanceObserver 'longtask', tasks of 50 ms or more on the page's main thread). A task over
// 200 ms is one a user would feel as a frozen screen.
import type { Page } from 'playwright-core';

/** A task longer than this counts against the page staying responsive. */
export const UNRESPONSIVE_MS = 200;

export interface LongTasks {
  /** The longest task, ms (0 when none reached 50 ms). */
  readonly longestMs: number;
  /** Tasks of 50 ms or more. */
  readonly count: number;
  /** Tasks over UNRESPONSIVE_MS. */
  readonly over: number;
}

/** Injected before the engine: keeps every long task's duration from the last `__longTasksReset()`. */
export const LONG_TASKS_SCRIPT = `(() => {
  let tasks = [];
  const keep = (entries) => { for (const e of entries) tasks.push(e.duration); };
  const observer = new PerformanceObserver((list) => keep(list.getEntries()));
  observer.observe({ type: 'longtask' });
  globalThis.__longTasksReset = () => { observer.takeRecords(); tasks = []; };
  globalThis.__longTasks = () => { keep(observer.takeRecords()); return tasks.slice(); };
})();`;

export async function resetLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { __longTasksReset(): void }).__longTasksReset());
}

export async function readLongTasks(page: Page): Promise<LongTasks> {
  const tasks = await page.evaluate(() => (globalThis as unknown as { __longTasks(): number[] }).__longTasks());
  return { longestMs: Math.round(Math.max(0, ...tasks)), count: tasks.length, over: tasks.filter((t) => t > UNRESPONSIVE_MS).length };
}
