// The photo scenario's baseline client: each file in one multipart/form-data POST with fetch
// and FormData, one file after another, as most apps send photos. A failed request (a dropped
// connection) is sent again at once, from the first byte: a plain POST has nothing to resume.

export interface MultipartFile {
  readonly id: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly fileName: string;
  readonly contentType: string;
}

export interface MultipartTally {
  /** When (performance.now()) each file's upload was answered 201, in order. */
  readonly doneAt: number[];
  /** Requests that failed and were sent again. */
  attempts: number;
  failures: number;
}

/** Bounded so that a server that never answers stops the bench instead of looping. */
const MAX_ATTEMPTS_PER_FILE = 5;

export async function uploadMultipart(baseUrl: string, files: readonly MultipartFile[]): Promise<MultipartTally> {
  const tally: MultipartTally = { doneAt: [], attempts: 0, failures: 0 };
  for (const f of files) {
    for (let attempt = 1; ; attempt++) {
      tally.attempts++;
      try {
        const form = new FormData();
        form.append('file', new Blob([f.bytes], { type: f.contentType }), f.fileName);
        const res = await fetch(`${baseUrl}/upload/${f.id}`, { method: 'POST', body: form });
        const text = await res.text();
        if (res.status !== 201) throw new Error(`multipart upload ${f.id} → ${res.status}: ${text.slice(0, 200)}`);
        tally.doneAt.push(performance.now());
        break;
      } catch (e) {
        tally.failures++;
        if (attempt >= MAX_ATTEMPTS_PER_FILE) throw e;
      }
    }
  }
  return tally;
}
