// The wire contract (docs/protocol.md) as zod schemas; types are inferred from them.
export * from './admin';
export * from './auth';
export * from './conflicts';
export * from './errors';
export * from './json-limits';
export * from './limits';
export * from './pull';
export * from './push';
export * from './records';
export * from './status';
