// What every scenario shares: the sizes of this bench run, the contenders' servers, the
// bench's users and entities on each Fieldsync server, and the data each `push` run applied
// (the replay and conflict scenarios reuse it, run for run).
import { v7 as uuidv7 } from 'uuid';
import type { FieldsyncServer } from '../contenders/fieldsync';
import type { PouchServer } from '../contenders/pouchdb';
import type { RawPostgres } from '../contenders/raw-pg';
import type { BenchRecord } from '../support/data';
import type { PouchDatabase } from '../pouchdb/types';

export interface Sizes {
  /** Changes per device in push, pull, conflict and replay scenarios (10,000). */
  readonly n: number;
  /** Records on the server in the selective pull (50,000). */
  readonly big: number;
  readonly devices: number;
  readonly perDevice: number;
  /** Users the 50 devices belong to. */
  readonly deviceUsers: number;
  /** Fraction of conflicting changes in the conflict scenario. */
  readonly conflictShare: number;
  /** Page size of Fieldsync pulls. */
  readonly pullLimit: number;
  /** Changes in the push over a mobile link (1,000: each run pays 150 ms per round trip and 750 kbit/s up). */
  readonly linkN: number;
}

export const ENTITIES = {
  push: uuidv7(),
  pull: [uuidv7(), uuidv7(), uuidv7(), uuidv7(), uuidv7()] as const,
  browser: uuidv7(),
};

export interface FieldsyncWorld {
  readonly id: 'fieldsync-pg' | 'fieldsync-pglite';
  readonly server: FieldsyncServer;
  admin: string;
  pusher: string;
  puller: string;
  loader: string;
  deviceTokens: string[];
  /** Records each push run applied, by run. */
  readonly applied: Map<number, BenchRecord[]>;
  /** What the server should hold at the end, for the final totals check. */
  readonly expected: { records: number; changes: number; conflicts: number };
}

export interface PouchWorld {
  readonly server: PouchServer;
  /** The device store of each push run, with the revisions it holds, by run. */
  readonly applied: Map<number, { local: PouchDatabase; records: BenchRecord[]; revs: Map<string, string> }>;
}

export interface RawWorld {
  readonly db: RawPostgres;
  readonly applied: Map<number, BenchRecord[]>;
}

export interface World {
  readonly sizes: Sizes;
  readonly fieldsync: FieldsyncWorld[];
  readonly pouch: PouchWorld | null;
  readonly raw: RawWorld | null;
}

export function expect(label: string, actual: number, wanted: number): string[] {
  return actual === wanted ? [] : [`${label}: ${actual}, expected ${wanted}`];
}
