// What an upload's creation must satisfy beyond access (docs/protocol.md "Media content"), as
// one pure check: the declared length against the record and the server's limit, the content
// type against the allowlist, the file name. Null when the upload may be created.
import type { MediaDescription } from './media-record';

export interface UploadLimits {
  readonly maxBytes: number;
  /** Exact content types, or `type/*`. */
  readonly types: readonly string[];
}

export type UploadRefusal =
  | { readonly status: 400; readonly code: 'VALIDATION'; readonly message: string }
  | { readonly status: 413; readonly code: 'PAYLOAD_TOO_LARGE'; readonly message: string }
  | { readonly status: 415; readonly code: 'UNSUPPORTED_MEDIA_TYPE'; readonly message: string };

const refuse = <S extends UploadRefusal['status']>(status: S, code: Extract<UploadRefusal, { status: S }>['code'], message: string) =>
  ({ status, code, message }) as UploadRefusal;

/** Whether `contentType` (parameters ignored) is one the allowlist names. */
export function typeAllowed(contentType: string, types: readonly string[]): boolean {
  const t = contentType.split(';')[0]!.trim().toLowerCase();
  const major = t.split('/')[0];
  return types.some((allowed) => allowed === t || (allowed.endsWith('/*') && allowed.slice(0, -2) === major));
}

export function checkUpload(uploadLength: number, media: MediaDescription, limits: UploadLimits): UploadRefusal | null {
  if (uploadLength > limits.maxBytes) return refuse(413, 'PAYLOAD_TOO_LARGE', `content over ${limits.maxBytes} bytes`);
  if (/[/\\]/.test(media.fileName)) return refuse(400, 'VALIDATION', 'the record\'s fileName holds a path separator');
  if (!typeAllowed(media.contentType, limits.types)) return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', `content type ${media.contentType} is not accepted`);
  if (media.size === 0 || uploadLength === 0) return refuse(400, 'VALIDATION', 'empty content is not accepted');
  if (uploadLength !== media.size) return refuse(400, 'VALIDATION', `Upload-Length ${uploadLength} is not the record's size ${media.size}`);
  if (media.size > limits.maxBytes) return refuse(413, 'PAYLOAD_TOO_LARGE', `content over ${limits.maxBytes} bytes`);
  return null;
}
