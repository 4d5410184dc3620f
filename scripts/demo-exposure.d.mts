// Types of demo-exposure.mjs, for the TypeScript that imports it (its test, e2e/).
export declare const ALLOW_DEMO_REMOTE: string;
export declare const DEMO_EMAIL_DOMAIN: string;
export declare const REFUSED_EXIT_CODE: number;
export declare function isLoopback(hostname: string | undefined): boolean;
export declare function demoRefusal(opts: {
  hostname: string | undefined;
  demoUsers: boolean;
  env: Readonly<Record<string, string | undefined>>;
}): string | null;
export declare function postgresHasDemoUsers(url: string): Promise<boolean>;
