// Imported first by main.ts, before Next.js and React load: what `next start` sets up.
// (Next.js's types declare NODE_ENV read-only; it is not, before they load.)
const env = process.env as Record<string, string | undefined>;
env.NODE_ENV ??= 'production';
env.NEXT_TELEMETRY_DISABLED = '1';

export {};
