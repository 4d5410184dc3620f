// The few PouchDB shapes the bench uses (the package ships no types).
import PouchDBUntyped from 'pouchdb';

export interface PouchDoc {
  _id: string;
  _rev?: string;
  [key: string]: unknown;
}

export interface ReplicateResult {
  ok: boolean;
  docs_read: number;
  docs_written: number;
  doc_write_failures: number;
  errors: unknown[];
}

export interface ReplicateOptions {
  batch_size?: number;
  batches_limit?: number;
  filter?: string;
  query_params?: Record<string, string>;
  checkpoint?: false | 'source' | 'target';
}

export interface PouchDatabase {
  bulkDocs(docs: PouchDoc[]): Promise<Array<{ ok?: boolean; id: string; rev: string; error?: string }>>;
  info(): Promise<{ doc_count: number; update_seq: number | string }>;
  allDocs(opts: { keys?: string[]; include_docs?: boolean; conflicts?: boolean }): Promise<{ rows: Array<{ id: string; value: { rev: string }; doc?: PouchDoc & { _conflicts?: string[] } }> }>;
  replicate: {
    to(target: PouchDatabase | string, opts?: ReplicateOptions): Promise<ReplicateResult>;
    from(source: PouchDatabase | string, opts?: ReplicateOptions): Promise<ReplicateResult>;
  };
  close(): Promise<void>;
  destroy(): Promise<void>;
}

export interface PouchConstructor {
  new (name: string, opts?: Record<string, unknown>): PouchDatabase;
}

export const PouchDB = PouchDBUntyped as PouchConstructor;
