// The API: every endpoint as a plain `(request: Request) => Promise<Response>`, bound to a
// context. Route files call these; tests call them directly, with no server in between.
import type { ServerContext } from './context';
import { type Handler, handle } from './http/handler';
import { health } from './health/health';

export type Api = ReturnType<typeof createApi>;
export type ApiName = keyof Api;

export function createApi(ctx: ServerContext) {
  const h = (fn: (ctx: ServerContext, request: Request) => Promise<Response>): Handler =>
    handle(ctx.log, (request) => fn(ctx, request));
  return {
    health: h(health),
  };
}
