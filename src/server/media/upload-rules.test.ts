import { describe, expect, it } from 'vitest';
import { checkUpload, typeAllowed } from './upload-rules';

const media = { size: 1000, sha256: 'ab'.repeat(32), contentType: 'image/jpeg', fileName: 'photo.jpg' };
const limits = { maxBytes: 5000, types: ['image/jpeg', 'audio/*'] };

describe('the checks of an upload\'s creation', () => {
  it('accepts the record\'s own size, within the limit, of an accepted type', () => {
    expect(checkUpload(1000, media, limits)).toBeNull();
    expect(checkUpload(1000, { ...media, contentType: 'audio/ogg; codecs=opus' }, limits)).toBeNull();
  });

  it('refuses, in this order: over the limit, a path in the name, a type not accepted, empty content, another size', () => {
    expect(checkUpload(5001, { ...media, fileName: 'a/b' }, limits)).toMatchObject({ status: 413 });
    expect(checkUpload(1000, { ...media, fileName: 'a\\b.jpg' }, limits)).toMatchObject({ status: 400, code: 'VALIDATION' });
    expect(checkUpload(1000, { ...media, contentType: 'text/html' }, limits)).toMatchObject({ status: 415 });
    expect(checkUpload(0, { ...media, size: 0 }, limits)).toMatchObject({ status: 400 });
    expect(checkUpload(999, media, limits)).toMatchObject({ status: 400, code: 'VALIDATION' });
  });

  it('matches types exactly or by a type/* wildcard, ignoring case and parameters', () => {
    expect(typeAllowed('IMAGE/JPEG', limits.types)).toBe(true);
    expect(typeAllowed('image/png', limits.types)).toBe(false);
    expect(typeAllowed('audio/mpeg', limits.types)).toBe(true);
    expect(typeAllowed('audiox/mpeg', limits.types)).toBe(false);
  });
});
