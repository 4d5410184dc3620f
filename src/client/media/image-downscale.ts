// Photos from a phone camera are often 4000 px and 5 MB; a field report needs far less. Images
// whose long side exceeds the limit are re-encoded as a smaller JPEG before they are stored and
// uploaded. The work goes through this small interface so Node tests can pass a no-op.
export interface ImageDownscaler {
  /** A smaller JPEG of `image`, or null to keep the original (not an image it can read, or small enough). */
  downscale(image: Blob, maxLongSide: number): Promise<Blob | null>;
}

export const keepOriginal: ImageDownscaler = { downscale: () => Promise.resolve(null) };

/** Raster types a browser can decode; vector and animated images are kept as they are. */
const SCALABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/heic', 'image/heif', 'image/avif']);

/** createImageBitmap + OffscreenCanvas (or a canvas element on the main thread where that is missing). */
export function browserImageDownscaler(quality = 0.85): ImageDownscaler {
  return {
    async downscale(image, maxLongSide) {
      if (!SCALABLE.has(image.type) || typeof createImageBitmap !== 'function') return null;
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(image);
      } catch {
        return null; // the browser cannot decode it (e.g. HEIC on most desktops): keep the bytes
      }
      try {
        const long = Math.max(bitmap.width, bitmap.height);
        if (long <= maxLongSide) return null;
        const scale = maxLongSide / long;
        const w = Math.max(1, Math.round(bitmap.width * scale));
        const h = Math.max(1, Math.round(bitmap.height * scale));
        if (typeof OffscreenCanvas === 'function') {
          const canvas = new OffscreenCanvas(w, h);
          canvas.getContext('2d')?.drawImage(bitmap, 0, 0, w, h);
          return await canvas.convertToBlob({ type: 'image/jpeg', quality });
        }
        if (typeof document === 'undefined') return null;
        const canvas = document.createElement('canvas');
        canvas.width = w;
        canvas.height = h;
        canvas.getContext('2d')?.drawImage(bitmap, 0, 0, w, h);
        return await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
      } finally {
        bitmap.close();
      }
    },
  };
}
