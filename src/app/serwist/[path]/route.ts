// Serves the service worker built from src/app/sw.ts (@serwist/turbopack: Next.js 16 builds with
// Turbopack, which has no plugin hook, so the worker is bundled with esbuild when this route is
// prerendered at build time, with the precache manifest of the built app injected).
import { randomUUID } from 'node:crypto';
import { createSerwistRoute } from '@serwist/turbopack';

// The app shell page: its HTML names the hashed chunks of this build, so it changes per build.
const shellRevision = process.env.NEXT_BUILD_ID ?? randomUUID();

export const { dynamic, dynamicParams, revalidate, generateStaticParams, GET } = createSerwistRoute({
  swSrc: 'src/app/sw.ts',
  useNativeEsbuild: true,
  // A classic script (not an ES module worker): every browser with service workers can run it.
  esbuildOptions: { format: 'iife' },
  additionalPrecacheEntries: [
    { url: '/', revision: shellRevision },
  ],
});
