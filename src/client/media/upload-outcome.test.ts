import { describe, expect, it } from 'vitest';
import { classifyAnswer, parseErrorBody, parseRetryAfter } from './upload-outcome';

const answer = (status: number, code: string | null = null, retryAfter?: number) =>
  classifyAnswer({ status, code, message: code ? `${code} message` : null, retryAfter });

describe('what a server answer means for an upload', () => {
  it('rejects what the user must act on: too large, wrong type, bad request, checksum, forbidden, unknown record', () => {
    for (const status of [400, 403, 404, 413, 415, 460]) expect(answer(status).kind).toBe('rejected');
    expect(answer(460, 'CHECKSUM_MISMATCH')).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/checksum/) as unknown });
    expect(answer(413, 'PAYLOAD_TOO_LARGE')).toMatchObject({ reason: expect.stringMatching(/too large/) as unknown });
  });

  it('waits for a new token on 401', () => {
    expect(answer(401, 'UNAUTHENTICATED')).toEqual({ kind: 'unauthorized' });
  });

  it('fails for now on 5xx, 429, 423 and 409, keeping Retry-After', () => {
    for (const status of [500, 502, 503, 429, 423, 409]) expect(answer(status).kind).toBe('failed');
    expect(answer(429, 'RATE_LIMITED', 12)).toMatchObject({ kind: 'failed', retryAfter: 12 });
  });

  it('reads protocol error bodies and plain text alike', () => {
    expect(parseErrorBody('{"error":{"code":"VALIDATION","message":"size differs"}}')).toEqual({ code: 'VALIDATION', message: 'size differs' });
    expect(parseErrorBody('Upload-Length mismatch')).toEqual({ code: null, message: 'Upload-Length mismatch' });
    expect(parseErrorBody('')).toEqual({ code: null, message: null });
  });

  it('reads Retry-After seconds and ignores nonsense', () => {
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
