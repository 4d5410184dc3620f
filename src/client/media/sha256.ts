// The SHA-256 of stored bytes as 64 lowercase hex digits: what the media record names and the
// server checks the uploaded content against.
export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
