// What one pull serves, decided from the cursor and the caller's current entities (pure).
//
// The feed is every record of the caller's entities in (txid, seq) order. When the set of
// entities changed since the cursor:
//   gained entities  → a catch-up phase first: their records from the start of the feed up to
//                      the cursor's main position, then the main feed goes on over all of them;
//   lost entities    → listed once in removedEntityIds (the next cursor holds the new set).
// A cursor that carries only a hash of a large set (entity-set.ts) cannot say which entities
// changed; then every current entity is caught up from the start, and the removed ones are the
// user's assignment removals recorded since the cursor's watermark (assignment_removals) that
// are not assigned again: never an entity the user was not given. (A cursor made for every
// entity, by role, lists every entity outside the new set: the user could see them all.)
// Re-sending records is
// harmless to the device, and rare: it needs a set of more than INLINE_MAX_IDS that changed.
import {
  type EntitySetRef,
  entitySetRef,
  packSubset,
  sameSet,
  unpackSubset,
} from './entity-set';
import { type CursorState, FEED_START, type FeedPosition, InvalidCursorError } from './pull-cursor';

export interface CatchUp {
  readonly entityIds: readonly string[];
  /** Records of these entities in (from, plan.main] are served before the main feed. */
  readonly from: FeedPosition;
}

/** Lost entities: known ids, or the removals recorded for the user at or after transaction `since`. */
export type Removed =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'recorded'; readonly since: string }
  | { readonly kind: 'all-others' };

export interface PullPlan {
  /** The caller's entities now (normalized): the main feed covers these. */
  readonly entityIds: readonly string[];
  readonly main: FeedPosition;
  readonly catchUp: CatchUp | undefined;
  readonly removed: Removed;
  /** No cursor: the first page of a first pull. */
  readonly firstPull: boolean;
  /** The set differs from the cursor's. */
  readonly setChanged: boolean;
  /** `entityIds` is every entity, by role (an admin). */
  readonly allEntities: boolean;
}

const NONE_REMOVED: Removed = { kind: 'ids', ids: [] };

/** `current` must be normalized (normalizeIds); `allEntities`: it is every entity, by role. */
export function planPull(cursor: CursorState | undefined, current: readonly string[], allEntities = false): PullPlan {
  const base = { entityIds: current, removed: NONE_REMOVED, firstPull: false, setChanged: false, allEntities };
  if (!cursor) return { ...base, main: FEED_START, catchUp: undefined, firstPull: true };
  const main = cursor.main;

  if (sameSet(cursor.set, current)) {
    if (!cursor.catchUp) return { ...base, main, catchUp: undefined };
    const ids = subsetOf(current, cursor.catchUp.subset);
    return { ...base, main, catchUp: ids.length > 0 ? { entityIds: ids, from: cursor.catchUp.from } : undefined };
  }

  if (cursor.set.kind === 'hash') {
    return {
      ...base,
      main,
      catchUp: current.length > 0 ? { entityIds: current, from: FEED_START } : undefined,
      removed: cursor.allEntities && !allEntities ? { kind: 'all-others' } : { kind: 'recorded', since: cursor.watermark },
      setChanged: true,
    };
  }

  const before = cursor.set.ids;
  const now = new Set(current);
  const had = new Set(before);
  const added = current.filter((id) => !had.has(id));
  const removed = before.filter((id) => !now.has(id));
  const pending = cursor.catchUp ? subsetOf(before, cursor.catchUp.subset).filter((id) => now.has(id)) : [];
  let catchUp: CatchUp | undefined;
  if (added.length > 0) {
    // One progress position per catch-up: an unfinished one restarts together with the new ids.
    catchUp = { entityIds: [...new Set([...added, ...pending])].sort(), from: FEED_START };
  } else if (pending.length > 0 && cursor.catchUp) {
    catchUp = { entityIds: pending, from: cursor.catchUp.from };
  }
  return { ...base, main, catchUp, removed: { kind: 'ids', ids: removed }, setChanged: true };
}

function subsetOf(sorted: readonly string[], packed: string): string[] {
  const ids = unpackSubset(sorted, packed);
  if (!ids) throw new InvalidCursorError('the cursor is malformed');
  return ids;
}

/** Where the served page ended. */
export interface PageEnd {
  /** The older xmin of the snapshots the caller's set and the page were read in. */
  readonly xmin: string;
  /** Last catch-up row served, if any. */
  readonly lastCatchUp: FeedPosition | undefined;
  /** The catch-up phase has no rows left after this page. */
  readonly catchUpDone: boolean;
  /** Last main-feed row served, if any. */
  readonly lastMain: FeedPosition | undefined;
}

export function nextCursor(userId: string, plan: PullPlan, end: PageEnd): CursorState {
  const set: EntitySetRef = entitySetRef(plan.entityIds);
  const state: CursorState = {
    userId,
    main: end.lastMain ?? plan.main,
    watermark: end.xmin,
    set,
    ...(plan.allEntities ? { allEntities: true } : {}),
  };
  if (!plan.catchUp || end.catchUpDone) return state;
  return {
    ...state,
    catchUp: {
      subset: packSubset(plan.entityIds, new Set(plan.catchUp.entityIds)),
      from: end.lastCatchUp ?? plan.catchUp.from,
    },
  };
}
