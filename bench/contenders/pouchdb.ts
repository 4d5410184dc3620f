// The PouchDB/CouchDB contender: the npm `pouchdb` client (LevelDB on disk, like a device's
// store) replicating with batch_size 100 to express-pouchdb (LevelDB on disk) running in its
// own child process. Documents carry the same fields and payload as Fieldsync's records.
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { CountingHttp } from '../support/counting-fetch';
import { chunk, type BenchRecord } from '../support/data';
import { type Child, freePort, startChild, waitForHttp } from '../support/processes';
import { PouchDB, type PouchDatabase, type PouchDoc, type ReplicateOptions } from '../pouchdb/types';

export const POUCH_BATCH_SIZE = 100;

export function toDoc(r: BenchRecord): PouchDoc {
  return { _id: r.id, type: 'assessment', entityId: r.entityId, hlc: r.hlc, data: r.data };
}

/** Design document with the filter used for filtered (per-entity) replication. */
export const FILTER_DDOC: PouchDoc = {
  _id: '_design/bench',
  filters: { byEntity: 'function (doc, req) { return doc.entityId === req.query.entityId; }' },
};

export class PouchServer {
  readonly http = new CountingHttp();
  private readonly setupHttp = new CountingHttp();
  private child: Child | null = null;
  private readonly serverDir: string;
  private readonly clientDir: string;
  private locals = 0;
  baseUrl = '';

  constructor(
    private readonly root: string,
    private readonly workDir: string,
  ) {
    this.serverDir = mkdtempSync(path.join(workDir, 'pouch-server-'));
    this.clientDir = mkdtempSync(path.join(workDir, 'pouch-client-'));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(maxSeconds: number): Promise<void> {
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.child = startChild({
      name: 'pouchdb-server',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(this.root, 'bench/pouchdb/server.ts'), String(port), this.serverDir],
      cwd: this.root,
      env: { ...process.env, NODE_ENV: 'production' },
      logFile: path.join(this.workDir, 'pouchdb-server.log'),
      maxSeconds,
    });
    await waitForHttp(`${this.baseUrl}/`, this.child, 60_000);
  }

  async stop(): Promise<void> {
    await this.child?.stop();
    this.child = null;
    this.http.close();
    this.setupHttp.close();
  }

  async createDb(name: string): Promise<void> {
    const res = await this.setupHttp.fetch(`${this.baseUrl}/${name}`, { method: 'PUT' });
    if (res.status !== 201 && res.status !== 200) throw new Error(`pouchdb PUT /${name} → ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }

  /** The server database as a replication peer (at `baseUrl`: through a slow link); its traffic is counted. */
  remote(name: string, baseUrl = this.baseUrl): PouchDatabase {
    return new PouchDB(`${baseUrl}/${name}`, { fetch: this.http.fetch, skip_setup: true });
  }

  /** A fresh device store (LevelDB on disk). */
  local(label: string): PouchDatabase {
    this.locals++;
    return new PouchDB(path.join(this.clientDir, `${label}-${this.locals}`));
  }

  /** Loads documents straight into a server database (setup, not counted), 1,000 a request. */
  async load(name: string, docs: readonly PouchDoc[]): Promise<Array<{ id: string; rev: string }>> {
    const out: Array<{ id: string; rev: string }> = [];
    for (const part of chunk(docs, 1000)) {
      const res = await this.setupHttp.fetch(`${this.baseUrl}/${name}/_bulk_docs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ docs: part }),
      });
      const body = (await res.json()) as Array<{ id: string; rev: string; error?: string; reason?: string }>;
      if (res.status !== 201) throw new Error(`pouchdb bulk load → ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
      for (const r of body) {
        if (r.error) throw new Error(`pouchdb bulk load: ${r.id}: ${r.error} ${r.reason ?? ''}`);
        out.push({ id: r.id, rev: r.rev });
      }
    }
    return out;
  }

  async docCount(name: string): Promise<number> {
    const res = await this.setupHttp.fetch(`${this.baseUrl}/${name}`);
    const body = (await res.json()) as { doc_count: number };
    return body.doc_count;
  }

  /** How many of `ids` have conflicting revisions on the server. */
  async conflicted(name: string, ids: readonly string[]): Promise<number> {
    let n = 0;
    for (const part of chunk(ids, 2000)) {
      const res = await this.setupHttp.fetch(`${this.baseUrl}/${name}/_all_docs?include_docs=true&conflicts=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ keys: part }),
      });
      const body = (await res.json()) as { rows: Array<{ doc?: { _conflicts?: string[] } }> };
      for (const row of body.rows) if (row.doc?._conflicts?.length) n++;
    }
    return n;
  }
}

/** Fills a device store with documents (setup), in chunks. */
export async function fillLocal(db: PouchDatabase, docs: readonly PouchDoc[]): Promise<Array<{ id: string; rev: string }>> {
  const out: Array<{ id: string; rev: string }> = [];
  for (const part of chunk(docs, 1000)) {
    for (const r of await db.bulkDocs([...part])) {
      if (r.error) throw new Error(`pouchdb local write: ${r.id}: ${r.error}`);
      out.push({ id: r.id, rev: r.rev });
    }
  }
  return out;
}

export function replicateOptions(extra: ReplicateOptions = {}): ReplicateOptions {
  return { batch_size: POUCH_BATCH_SIZE, ...extra };
}
