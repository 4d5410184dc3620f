import { describe, expect, it } from 'vitest';
import { RecordValidationError, StorageQuotaError } from '@/client/errors';
import { i18n } from './i18n';
import { attachErrorMessage, byteProgress, contentReachable, formatBytes, mediaBadge, type MediaView, mediaKind, mediaSummary, uploadFailureText, uploadRejectedText, withUpload } from './media-format';

const item = (over: Partial<MediaView> = {}): MediaView => ({
  id: 'm1',
  parentId: 'a1',
  entityId: 'e1',
  fileName: 'well.jpg',
  contentType: 'image/jpeg',
  size: 2_000_000,
  status: 'pending',
  bytesSent: 0,
  error: null,
  onDevice: true,
  contentAvailable: false,
  ...over,
});

const t = i18n.getFixedT('en', 'media');
const fr = i18n.getFixedT('fr', 'media');

const totals = { pending: 0, uploading: 0, uploaded: 0, failed: 0, rejected: 0, bytesSent: 0, bytesTotal: 0 };

describe('sizes and byte progress in words', () => {
  it('uses bytes, kilobytes and megabytes as the size grows', () => {
    expect(formatBytes(0, 'en')).toBe('0 byte');
    expect(formatBytes(999, 'en')).toBe('999 byte');
    expect(formatBytes(820_400, 'en')).toBe('820 kB');
    expect(formatBytes(1_234_567, 'en')).toBe('1.2 MB');
    expect(formatBytes(3_400_000_000, 'en')).toBe('3.4 GB');
  });

  it('writes numbers and units as the language does', () => {
    expect(formatBytes(1_234_567, 'fr')).toBe('1,2\u202fMo');
    expect(byteProgress(1_200_000, 2_000_000, fr, 'fr')).toBe('1,2\u202fMo sur 2,0\u202fMo');
  });

  it('says both sides of the progress in the unit of the total', () => {
    expect(byteProgress(1_200_000, 2_000_000, t, 'en')).toBe('1.2 MB of 2.0 MB');
    expect(byteProgress(0, 2_000_000, t, 'en')).toBe('0.0 MB of 2.0 MB');
    expect(byteProgress(300, 800_000, t, 'en')).toBe('300 byte of 800 kB');
  });

  it('never says more was sent than there is', () => {
    expect(byteProgress(2_500_000, 2_000_000, t, 'en')).toBe('2.0 MB of 2.0 MB');
  });
});

describe('what kind of content a type is', () => {
  it('tells images, PDFs and audio apart, case-insensitively', () => {
    expect(mediaKind('image/jpeg')).toBe('image');
    expect(mediaKind('Image/PNG')).toBe('image');
    expect(mediaKind('application/pdf')).toBe('pdf');
    expect(mediaKind('audio/mp4')).toBe('audio');
    expect(mediaKind('application/zip')).toBe('other');
  });
});

describe('an item with the upload the engine runs now', () => {
  it('takes the running upload’s status, bytes and error', () => {
    const now = withUpload(item(), { status: 'uploading', bytesSent: 524_288, bytesTotal: 2_000_000, error: null });
    expect(now).toMatchObject({ status: 'uploading', bytesSent: 524_288, error: null, fileName: 'well.jpg' });
    expect(withUpload(item(), { status: 'failed', bytesSent: 10, bytesTotal: 2_000_000, error: 'network error' })).toMatchObject({ status: 'failed', error: 'network error' });
  });

  it('stays as listed with no upload, and someone else’s media never takes one', () => {
    expect(withUpload(item({ status: 'uploaded', bytesSent: 2_000_000 }), undefined).status).toBe('uploaded');
    expect(withUpload(item({ status: 'remote', onDevice: false }), { status: 'uploading', bytesSent: 1, bytesTotal: 2, error: null }).status).toBe('remote');
  });

  it('can be shown when it is on this device or complete on the server', () => {
    expect(contentReachable(item())).toBe(true);
    expect(contentReachable(item({ onDevice: false, contentAvailable: true }))).toBe(true);
    expect(contentReachable(item({ onDevice: false, contentAvailable: false }))).toBe(false);
  });
});

describe('the summary of uploads for the status bar and the queue', () => {
  it('counts photos and bytes while uploads remain', () => {
    expect(mediaSummary({ ...totals, pending: 2, uploaded: 1, bytesSent: 2_100_000, bytesTotal: 6_000_000 }, t, 'en')).toBe('Photos 1 of 3 uploaded · 2.1 MB of 6.0 MB');
    expect(mediaSummary({ ...totals, uploading: 1, failed: 1, bytesSent: 0, bytesTotal: 4_000_000 }, t, 'en')).toBe('Photos 0 of 2 uploaded · 0.0 MB of 4.0 MB');
  });

  it('says nothing when every upload is done or there was none', () => {
    expect(mediaSummary(totals, t, 'en')).toBeNull();
    expect(mediaSummary({ ...totals, uploaded: 3, rejected: 1, bytesSent: 6_000_000, bytesTotal: 6_000_000 }, t, 'en')).toBeNull();
  });
});

describe('why an attachment was not saved', () => {
  it('says a full device plainly, names the file, and passes the engine’s reason on', () => {
    expect(attachErrorMessage(new StorageQuotaError(new Error('QuotaExceededError')), 'well.jpg', t)).toBe(
      'This device is full: “well.jpg” was not saved. Free some space on the device, then try again.',
    );
    expect(attachErrorMessage(new RecordValidationError('the file is empty (0 bytes)'), 'blank.jpg', t)).toBe('“blank.jpg” was not saved: the file is empty (0 bytes)');
    expect(attachErrorMessage('boom', 'x.pdf', t)).toBe('“x.pdf” was not saved: boom');
  });
});

describe('the badge of an item', () => {
  it('names the upload on this device', () => {
    expect(mediaBadge(item({ status: 'pending' }), t)).toEqual({ label: 'waiting to upload', className: 'pending' });
    expect(mediaBadge(item({ status: 'failed' }), t)).toEqual({ label: 'upload failed', className: 'failed' });
    expect(mediaBadge(item({ status: 'uploaded', contentAvailable: true }), t)).toEqual({ label: 'uploaded', className: 'synced' });
  });

  it('says whether someone else’s media reached the server, not just that its record did', () => {
    expect(mediaBadge(item({ status: 'remote', onDevice: false, contentAvailable: true }), t)).toEqual({ label: 'uploaded', className: 'synced' });
    expect(mediaBadge(item({ status: 'remote', onDevice: false, contentAvailable: false }), t)).toEqual({ label: 'not uploaded yet', className: 'pending' });
  });
});

describe('the line under a failed upload', () => {
  it('makes the engine’s error a sentence and says it will be tried again', () => {
    expect(uploadFailureText('network error: Failed to fetch', t)).toBe('Network error: Failed to fetch. It is tried again by itself; you can also retry now.');
    expect(uploadFailureText('HTTP 503 UNAVAILABLE: try later.', t)).toBe('HTTP 503 UNAVAILABLE: try later. It is tried again by itself; you can also retry now.');
    expect(uploadFailureText(null, t)).toBe('The upload stopped. It is tried again by itself; you can also retry now.');
  });

  it('says why the server refused one, once punctuated', () => {
    expect(uploadRejectedText('HTTP 460 CHECKSUM_MISMATCH: the content does not match its record.', t)).toBe('The server refused it: HTTP 460 CHECKSUM_MISMATCH: the content does not match its record.');
    expect(uploadRejectedText(null, t)).toBe('The server refused it: No reason given.');
  });
});
