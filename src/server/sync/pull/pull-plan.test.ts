// The pull plan: what a cursor and the caller's current entities mean for the next page.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INLINE_MAX_IDS, entitySetRef, normalizeIds, packSubset } from './entity-set';
import { type CursorState, FEED_START } from './pull-cursor';
import { nextCursor, planPull } from './pull-plan';

const ids = (n: number) => normalizeIds(Array.from({ length: n }, () => randomUUID()));
const at = (txid: number, seq: number) => ({ txid: String(txid), seq: String(seq) });
const cursorFor = (set: string[], extra: Partial<CursorState> = {}): CursorState => ({
  userId: 'u',
  main: at(100, 7),
  watermark: '120',
  set: entitySetRef(set),
  ...extra,
});

describe('planPull', () => {
  it('starts a first pull at the start of the feed, with the entity list', () => {
    const set = ids(2);
    expect(planPull(undefined, set)).toMatchObject({ main: FEED_START, catchUp: undefined, firstPull: true, removed: { ids: [] } });
  });

  it('goes on from the cursor when the set is the same', () => {
    const set = ids(3);
    expect(planPull(cursorFor(set), set)).toMatchObject({ main: at(100, 7), catchUp: undefined, setChanged: false, firstPull: false });
  });

  it('catches up gained entities from the start to the main position, and lists lost ones', () => {
    const [a, b, c] = ids(3) as [string, string, string];
    const plan = planPull(cursorFor(normalizeIds([a, b])), normalizeIds([a, c]));
    expect(plan.catchUp).toEqual({ entityIds: [c], from: FEED_START });
    expect(plan.removed).toEqual({ kind: 'ids', ids: [b] });
    expect(plan.setChanged).toBe(true);
    expect(plan.main).toEqual(at(100, 7));
  });

  it('continues an unfinished catch-up, and restarts it when more entities are gained meanwhile', () => {
    const [a, b, c] = ids(3) as [string, string, string];
    const set = normalizeIds([a, b]);
    const cur = cursorFor(set, { catchUp: { subset: packSubset(set, new Set([b])), from: at(50, 2) } });
    expect(planPull(cur, set).catchUp).toEqual({ entityIds: [b], from: at(50, 2) });
    const more = planPull(cur, normalizeIds([a, b, c]));
    expect(more.catchUp).toEqual({ entityIds: normalizeIds([b, c]), from: FEED_START });
    // losing the entity being caught up ends its catch-up
    expect(planPull(cur, [a]).catchUp).toBeUndefined();
  });

  it('with a hashed set that changed, catches up everything and lists the removals recorded since the watermark', () => {
    const big = ids(INLINE_MAX_IDS + 1);
    const now = normalizeIds([...big.slice(1), randomUUID()]);
    const cursor = cursorFor(big);
    const plan = planPull(cursor, now);
    expect(plan.catchUp).toEqual({ entityIds: now, from: FEED_START });
    expect(plan.removed).toEqual({ kind: 'recorded', since: cursor.watermark });
  });

  it('lists every other entity as removed when a set of every entity, by role, is lost with the role', () => {
    const big = ids(INLINE_MAX_IDS + 1);
    const byRole = cursorFor(big, { allEntities: true });
    const now = normalizeIds(big.slice(0, 3));
    expect(planPull(byRole, now).removed).toEqual({ kind: 'all-others' });
    // Still every entity (one was added or removed from the database): only recorded removals.
    expect(planPull(byRole, normalizeIds([...big, randomUUID()]), true).removed).toEqual({ kind: 'recorded', since: byRole.watermark });
    expect(nextCursor('u', planPull(byRole, now, true), { xmin: '130', lastCatchUp: undefined, catchUpDone: true, lastMain: undefined }).allEntities).toBe(true);
    expect(nextCursor('u', planPull(byRole, now), { xmin: '130', lastCatchUp: undefined, catchUpDone: true, lastMain: undefined }).allEntities).toBeUndefined();
  });
});

describe('nextCursor', () => {
  const set = ids(2);
  it('moves the main position to the last main row served', () => {
    const plan = planPull(cursorFor(set), set);
    const next = nextCursor('u', plan, { xmin: '130', lastCatchUp: undefined, catchUpDone: true, lastMain: at(101, 1) });
    expect(next).toEqual({ userId: 'u', main: at(101, 1), watermark: '130', set: entitySetRef(set) });
  });
  it('keeps catch-up progress until it is done', () => {
    const plan = planPull(cursorFor([set[0]!]), set);
    const next = nextCursor('u', plan, { xmin: '130', lastCatchUp: at(20, 3), catchUpDone: false, lastMain: undefined });
    expect(next.main).toEqual(at(100, 7));
    expect(next.catchUp).toEqual({ subset: packSubset(set, new Set([set[1]!])), from: at(20, 3) });
  });
});
