// Counts a Chromium page's HTTP traffic from Playwright's events, with the same interface as
// the client-side counting fetch: requests, and request+response headers and bodies as sent
// (response bodies encoded, i.e. compressed, as on the wire).
import type { Page, Request } from 'playwright-core';
import type { Traffic, TrafficSnapshot } from '../support/counting-fetch';

export class PageTraffic {
  private requests = 0;
  private bytes = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(page: Page) {
    page.on('requestfinished', (req) => this.count(req));
    page.on('requestfailed', (req) => this.count(req));
  }

  private count(req: Request): void {
    this.requests++;
    const p = req
      .sizes()
      .then((s) => {
        this.bytes += s.requestHeadersSize + s.requestBodySize + s.responseHeadersSize + s.responseBodySize;
      })
      .catch(() => {})
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Waits for the sizes of finished requests to be known. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  snapshot(): TrafficSnapshot {
    return { requests: this.requests, bytes: this.bytes, latencyIndex: 0 };
  }

  since(s: TrafficSnapshot): Traffic {
    return { requests: this.requests - s.requests, bytes: this.bytes - s.bytes, latenciesMs: [] };
  }
}
