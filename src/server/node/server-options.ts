// The production server's port and host, from its arguments and environment, as `next start`
// takes them: `--port`/`-p` or PORT (default 3000), `--hostname`/`-H` or HOST (default 127.0.0.1,
// so a server started without thought is not reachable from the network; `0.0.0.0` listens on
// every interface). Not HOSTNAME, which shells and Docker set to the machine's name. Arguments win
// over the environment. Anything else is an error.
import { parseArgs } from 'node:util';

export interface ServerOptions {
  readonly port: number;
  /** Unset (an empty `--hostname`): listen on every interface. */
  readonly hostname: string | undefined;
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_HOSTNAME = '127.0.0.1';

export function serverOptions(args: readonly string[], env: Readonly<Record<string, string | undefined>>): ServerOptions {
  const { values } = parseArgs({
    args: [...args],
    options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
    strict: true,
    allowPositionals: false,
  });
  const rawPort = values.port ?? env.PORT ?? String(DEFAULT_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort.trim()) || !Number.isInteger(port) || port > 65_535) throw new Error(`invalid port: ${rawPort}`);
  const hostname = values.hostname ?? env.HOST ?? DEFAULT_HOSTNAME;
  return { port, hostname: hostname === '' ? undefined : hostname };
}
