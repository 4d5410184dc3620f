// COPY … FROM STDIN with plain `pg` (pg-copy-streams is not installed): a "submittable" that
// pg's client drives like any query. On CopyInResponse it streams the text chunks of `source`
// as CopyData messages, then CopyDone; it settles at ReadyForQuery with the row count.
import type { Readable } from 'node:stream';
import type pg from 'pg';

interface Connection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

class CopyFromQuery {
  private error: Error | null = null;
  private rows = 0;
  constructor(
    private readonly text: string,
    private readonly source: Readable,
    private readonly done: (error: Error | null, rows: number) => void,
  ) {}

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: Connection): void {
    this.source.on('data', (chunk: Buffer | string) => connection.sendCopyFromChunk(Buffer.from(chunk)));
    this.source.once('end', () => connection.endCopyFrom());
    this.source.once('error', (e) => connection.sendCopyFail(String(e)));
  }

  handleCommandComplete(msg: { text?: string }): void {
    const m = /COPY (\d+)/.exec(msg.text ?? '');
    if (m) this.rows = Number(m[1]);
  }

  handleError(error: Error): void {
    this.error = error;
  }

  handleReadyForQuery(): void {
    this.done(this.error, this.rows);
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

/** Runs `COPY <table> (<columns>) FROM STDIN` fed from `source` (text format); resolves to the rows copied. */
export function copyFrom(client: pg.PoolClient | pg.Client, sql: string, source: Readable): Promise<number> {
  return new Promise((resolve, reject) => {
    const q = new CopyFromQuery(sql, source, (error, rows) => (error ? reject(error) : resolve(rows)));
    (client as unknown as { query(q: unknown): void }).query(q);
  });
}

/** One value in COPY's text format: backslash, tab, newline and carriage return escaped. */
export function copyText(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
