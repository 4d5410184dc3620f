// What the device accepts as media before saving anything: a content type on the allowlist
// (images, PDF, audio), some bytes but not more than the limit, and a plain file name. The
// server checks the same on upload; refusing here tells the user at once, while offline.
import { RecordValidationError } from '../errors';

/** The server's default Tus-Max-Size. */
export const DEFAULT_MEDIA_MAX_BYTES = 25 * 1024 * 1024;
export const DEFAULT_MEDIA_MAX_LONG_SIDE = 1600;

const BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp',
  heic: 'image/heic', heif: 'image/heif', avif: 'image/avif', pdf: 'application/pdf',
  mp3: 'audio/mpeg', m4a: 'audio/mp4', ogg: 'audio/ogg', oga: 'audio/ogg', wav: 'audio/wav', webm: 'audio/webm', aac: 'audio/aac',
};

export function isAllowedContentType(type: string): boolean {
  return /^image\/[a-z0-9.+-]+$/.test(type) || type === 'application/pdf' || /^audio\/[a-z0-9.+-]+$/.test(type);
}

/** The last path segment: a name a picker or a drop may hand over with folders in front. */
export function baseName(fileName: string): string {
  return fileName.split(/[\\/]/).pop()!.trim();
}

/** The blob's type without parameters, or one guessed from the extension when the browser gave none. */
export function contentTypeOf(blob: Blob, fileName: string): string {
  const declared = blob.type.split(';')[0]!.trim().toLowerCase();
  if (declared) return declared;
  const ext = fileName.includes('.') ? fileName.split('.').pop()!.toLowerCase() : '';
  return BY_EXTENSION[ext] ?? '';
}

/** Checks what would be stored; throws RecordValidationError saying why not. Returns the name to keep. */
export function checkMedia(input: { size: number; contentType: string; fileName: string }, maxBytes: number): string {
  const name = baseName(input.fileName);
  if (name.length === 0 || name === '.' || name === '..') throw new RecordValidationError('the file needs a name');
  if (name.length > 255) throw new RecordValidationError('the file name is longer than 255 characters');
  if (input.size === 0) throw new RecordValidationError('the file is empty');
  if (!isAllowedContentType(input.contentType))
    throw new RecordValidationError(`files of type ${input.contentType || 'unknown'} cannot be attached (images, PDF and audio can)`);
  if (input.size > maxBytes)
    throw new RecordValidationError(`the file is too large (${input.size} bytes; at most ${maxBytes})`);
  return name;
}

/** The name of a photo after it was re-encoded as JPEG. */
export function jpegName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return `${dot > 0 ? fileName.slice(0, dot) : fileName}.jpg`;
}
