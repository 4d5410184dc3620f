// A tus Locker whose locks hold across instances: the lock on an upload is a lease in its
// media_uploads row (a token and an expiry), taken by one conditional UPDATE, renewed while the
// request runs, and given back at the end. A request that finds the lease held is refused at
// once (409), rather than waiting on another process it cannot signal; a crashed holder's
// lease lapses after LEASE_SECONDS. No state in this process decides anything.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Lock, Locker, RequestRelease } from '@tus/utils';
import type { Executor } from '../db/database';
import { rows } from '../db/database';

export const LEASE_SECONDS = 60;

/** What tus answers when the lease is held by another request (its retrying clients retry 409). */
export const UPLOAD_BUSY = {
  status_code: 409,
  body: JSON.stringify({ error: { code: 'CONFLICT', message: 'another request is writing this upload; try again' } }),
};

export class LeaseLocker implements Locker {
  constructor(private readonly db: Executor) {}

  newLock(id: string): Lock {
    return new LeaseLock(this.db, id);
  }
}

class LeaseLock implements Lock {
  private readonly token = randomUUID();
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Executor,
    private readonly id: string,
  ) {}

  async lock(_signal: AbortSignal, _cancelReq: RequestRelease): Promise<void> {
    const got = await rows<{ id: string }>(
      this.db,
      sql`update media_uploads set lock_token = ${this.token}, locked_until = now() + make_interval(secs => ${LEASE_SECONDS})
          where id = ${this.id} and (lock_token is null or locked_until < now()) returning id`,
    );
    if (got.length === 0) throw UPLOAD_BUSY;
    // Renewed well before it lapses, for a slow PATCH; unref'd so it never keeps a process alive.
    this.renewal = setInterval(() => {
      this.db
        .execute(sql`update media_uploads set locked_until = now() + make_interval(secs => ${LEASE_SECONDS}) where id = ${this.id} and lock_token = ${this.token}`)
        .catch(() => {});
    }, (LEASE_SECONDS * 1000) / 3);
    this.renewal.unref();
  }

  async unlock(): Promise<void> {
    clearInterval(this.renewal);
    await this.db.execute(sql`update media_uploads set lock_token = null, locked_until = null where id = ${this.id} and lock_token = ${this.token}`);
  }
}

/** A lock that locks nothing, for reads (HEAD) that need none: the stored offset is always whole. */
export const NO_LOCK: Lock = { lock: async () => {}, unlock: async () => {} };
