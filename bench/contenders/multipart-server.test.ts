import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { filePart } from './multipart-server';

describe('the multipart baseline server', () => {
  it('takes the file out of a body encoded as fetch encodes FormData, byte for byte', async () => {
    const bytes = new Uint8Array(randomBytes(50_000));
    const form = new FormData();
    form.append('note', 'a field before the file');
    form.append('file', new Blob([bytes], { type: 'image/jpeg' }), 'photo.jpg');
    const req = new Request('http://127.0.0.1/upload/x', { method: 'POST', body: form });
    const boundary = /boundary=(.+)$/.exec(req.headers.get('content-type') ?? '')![1]!;
    const body = Buffer.from(await req.arrayBuffer());
    expect(filePart(body, boundary)?.equals(Buffer.from(bytes))).toBe(true);
  });

  it('finds no file in a body cut short', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(1_000)]), 'photo.jpg');
    const req = new Request('http://127.0.0.1/upload/x', { method: 'POST', body: form });
    const boundary = /boundary=(.+)$/.exec(req.headers.get('content-type') ?? '')![1]!;
    const body = Buffer.from(await req.arrayBuffer());
    expect(filePart(body.subarray(0, 600), boundary)).toBeNull();
  });
});
