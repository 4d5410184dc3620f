// Types of server-command.mjs, for the TypeScript that imports it (e2e/, bench/).
export declare const SERVER_BUNDLE: string;
export declare function serverCommand(
  root: string,
  where?: { port?: number | string; hostname?: string },
  extra?: readonly string[],
): { command: string; args: string[] };
export declare function listenAddress(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { hostname: string | undefined; port: number };
