// tus-js-client reads the content through this: slices of the stored Blob, which fetch sends
// as they are. Its own Node reader takes only Buffers and streams; this one works in both.
import type { TusFileReader } from './tus-types';

export const blobFileReader: TusFileReader = {
  openFile(input: unknown) {
    if (!(input instanceof Blob)) return Promise.reject(new TypeError('the upload source must be a Blob'));
    return Promise.resolve({
      size: input.size,
      slice: (start: number, end: number) => Promise.resolve({ value: input.slice(start, end), done: end >= input.size }),
      close: () => {},
    });
  },
};
