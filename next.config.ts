import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Loaded from node_modules at run time: PGlite needs its WASM files beside it.
  serverExternalPackages: ['@electric-sql/pglite', 'pg', 'pino', 'drizzle-orm'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
