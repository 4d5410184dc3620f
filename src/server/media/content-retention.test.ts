import { describe, expect, it } from 'vitest';
import { contentRemovable } from './content-retention';

describe('content retention', () => {
  it('keeps the content of a live record, and of a tombstone while a conflict about it is open', () => {
    expect(contentRemovable({ deleted: false, openConflicts: 0 })).toBe(false);
    expect(contentRemovable({ deleted: false, openConflicts: 2 })).toBe(false);
    expect(contentRemovable({ deleted: true, openConflicts: 1 })).toBe(false);
  });

  it('lets go of a tombstone\'s content once its conflicts are closed, and of content with no record', () => {
    expect(contentRemovable({ deleted: true, openConflicts: 0 })).toBe(true);
    expect(contentRemovable({ deleted: null, openConflicts: 0 })).toBe(true);
  });
});
