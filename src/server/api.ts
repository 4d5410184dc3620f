// The API: every endpoint as a plain `(request: Request) => Promise<Response>`, bound to a
// context. Route files call these; tests call them directly, with no server in between.
import type { ServerContext } from './context';
import { type Handler, handle } from './http/handler';
import { health } from './health/health';
import { login } from './auth/login';
import { createEntity } from './admin/create-entity';
import { createUser } from './admin/create-user';
import { replaceAssignments } from './admin/replace-assignments';
import { methodNotAllowed, unknownEndpoint } from './http/fallback';
import { pull } from './sync/pull/pull';
import { pushHandler } from './sync/push/push-handler';
import { listConflicts } from './sync/conflicts/list-conflicts';
import { resolveConflict } from './sync/conflicts/resolve-conflict';
import { syncStatus } from './sync/status/sync-status';

export type Api = ReturnType<typeof createApi>;
export type ApiName = keyof Api;

export function createApi(ctx: ServerContext) {
  const h = (fn: (ctx: ServerContext, request: Request) => Promise<Response>): Handler =>
    handle(ctx.log, (request) => fn(ctx, request));
  return {
    health: h(health),
    login: h(login),
    adminCreateUser: h(createUser),
    adminCreateEntity: h(createEntity),
    adminReplaceAssignments: h(replaceAssignments),
    syncPush: h(pushHandler),
    syncPull: h(pull),
    syncConflicts: h(listConflicts),
    syncResolve: h(resolveConflict),
    syncStatus: h(syncStatus),
    methodNotAllowed: handle(ctx.log, methodNotAllowed),
    notFound: handle(ctx.log, unknownEndpoint),
  };
}
