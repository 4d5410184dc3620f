// tus-js-client's HTTP layer over the engine's fetch, the same in the browser and in Node: the
// upload goes through whatever network the engine was given (a test's controlled network, a
// service worker), and a cut connection surfaces as a fetch error. Progress is reported per
// chunk, when its request is answered (fetch has no upload progress events).
import type { FetchLike } from '../env';
import type { TusHttpRequest, TusHttpResponse, TusHttpStack } from './tus-types';

export class FetchHttpStack implements TusHttpStack {
  constructor(private readonly fetch: FetchLike) {}

  createRequest(method: string, url: string): TusHttpRequest {
    return new FetchRequest(this.fetch, method, url);
  }

  getName(): string {
    return 'FetchHttpStack';
  }
}

class FetchRequest implements TusHttpRequest {
  private readonly headers: Record<string, string> = {};
  private readonly controller = new AbortController();
  private progress: (bytesSent: number) => void = () => {};

  constructor(
    private readonly fetch: FetchLike,
    private readonly method: string,
    private readonly url: string,
  ) {}

  getMethod(): string {
    return this.method;
  }

  getURL(): string {
    return this.url;
  }

  setHeader(header: string, value: string): void {
    this.headers[header] = value;
  }

  getHeader(header: string): string | undefined {
    return this.headers[header];
  }

  setProgressHandler(handler: (bytesSent: number) => void): void {
    this.progress = handler;
  }

  async send(body?: Blob | null): Promise<TusHttpResponse> {
    const response = await this.fetch(this.url, {
      method: this.method,
      headers: this.headers,
      ...(body ? { body } : {}),
      signal: this.controller.signal,
    });
    const text = await response.text();
    if (body) this.progress(body.size);
    return new FetchResponse(response, text);
  }

  abort(): Promise<void> {
    this.controller.abort();
    return Promise.resolve();
  }

  getUnderlyingObject(): unknown {
    return this.controller;
  }
}

class FetchResponse implements TusHttpResponse {
  constructor(
    private readonly response: Response,
    private readonly body: string,
  ) {}

  getStatus(): number {
    return this.response.status;
  }

  getHeader(header: string): string | undefined {
    return this.response.headers.get(header) ?? undefined;
  }

  getBody(): string {
    return this.body;
  }

  getUnderlyingObject(): unknown {
    return this.response;
  }
}
