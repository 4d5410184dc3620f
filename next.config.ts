import { withSerwist } from '@serwist/turbopack';
import type { NextConfig } from 'next';
import { pageSecurityHeaders } from './src/server/http/security-headers';

const nextConfig: NextConfig = {
  // Loaded from node_modules at run time: PGlite needs its WASM files beside it.
  // The media stack (tus server and stores, the S3 client) likewise, rather than bundled.
  serverExternalPackages: [
    '@electric-sql/pglite',
    'pg',
    'pino',
    'drizzle-orm',
    'ioredis',
    'prom-client',
    '@tus/server',
    '@tus/file-store',
    '@tus/s3-store',
    '@tus/utils',
    '@aws-sdk/client-s3',
  ],
  poweredByHeader: false,
  // `npm test` type-checks everything (tsc --noEmit); the build need not re-check test files.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  // Security headers on every page, asset and the service worker (src/server/http/security-headers.ts).
  async headers() {
    return [{ source: '/:path*', headers: pageSecurityHeaders(process.env.NODE_ENV === 'development') }];
  },
};

// withSerwist keeps esbuild (which bundles the service worker, src/app/serwist) out of the server bundle.
export default withSerwist(nextConfig);
