// The API: every endpoint as a plain `(request: Request) => Promise<Response>`, bound to a
// context. Route files call these; tests call them directly, with no server in between.
import type { ServerContext } from './context';
import { type Handler, handle } from './http/handler';
import { Admission } from './http/admission';
import { admissionLimits, admitted } from './http/admit';
import { UserGate } from './http/user-gate';
import { verifyBearer } from './auth/authenticate';
import { health } from './health/health';
import { live } from './health/live';
import { metricsHandler } from './metrics/metrics-handler';
import { observeAll } from './metrics/observe-request';
import { observePush } from './metrics/observe-push';
import { login } from './auth/login';
import { createEntity } from './admin/create-entity';
import { createUser } from './admin/create-user';
import { replaceAssignments } from './admin/replace-assignments';
import { listEntities } from './admin/list-entities';
import { listUsers } from './admin/list-users';
import { renameEntity } from './admin/rename-entity';
import { updateUser } from './admin/update-user';
import { openApiHandler } from './openapi/openapi-handler';
import { methodNotAllowed, unknownEndpoint } from './http/fallback';
import { pull } from './sync/pull/pull';
import { pushHandler } from './sync/push/push-handler';
import { listConflicts } from './sync/conflicts/list-conflicts';
import { resolveConflict } from './sync/conflicts/resolve-conflict';
import { syncStatus } from './sync/status/sync-status';
import { listUserNames } from './sync/users/list-user-names';
import { liveEvents } from './sync/events/events-handler';
import { addressLimited } from './limits/charge';
import { createMediaService } from './media/media-service';
import { listForms } from './forms/list-forms';
import { publishForm } from './forms/publish-form';

export type Api = ReturnType<typeof createApi>;
export type ApiName = keyof Api;

export function createApi(ctx: ServerContext) {
  // Every endpoint but health (the operator's probe) is bounded in requests and body memory in flight.
  const admission = new Admission(admissionLimits(ctx.config));
  const gate = new UserGate(ctx.config.runningPerUser, ctx.config.runningBytesPerUser);
  const userOf = (request: Request) =>
    request.headers.has('authorization') ? verifyBearer(ctx, request).catch(() => null) : Promise.resolve(null);
  const h = (fn: (ctx: ServerContext, request: Request) => Promise<Response>): Handler =>
    handle(ctx.log, admitted(admission, gate, userOf, (request) => fn(ctx, request)));
  const media = createMediaService(ctx);
  // Upload bodies stream to storage and downloads stream from it: they take no turn at the user's
  // gate, so a photo never holds back that user's pushes and pulls (admission still bounds them).
  const streaming = new UserGate(Number.POSITIVE_INFINITY);
  const hStream = (fn: (request: Request) => Promise<Response>): Handler => handle(ctx.log, admitted(admission, streaming, userOf, fn));
  // Every request gets a request id, its metrics and its access log line (observe-request.ts).
  return observeAll(ctx.metrics, ctx.log, {
    health: handle(ctx.log, addressLimited(ctx, (request) => health(ctx, request), { failOpen: true })),
    healthLive: handle(ctx.log, live),
    metrics: handle(ctx.log, addressLimited(ctx, (request) => metricsHandler(ctx, request))),
    login: h(login),
    adminCreateUser: h(createUser),
    adminCreateEntity: h(createEntity),
    adminReplaceAssignments: h(replaceAssignments),
    adminListUsers: h(listUsers),
    adminUpdateUser: h(updateUser),
    adminListEntities: h(listEntities),
    adminRenameEntity: h(renameEntity),
    adminPublishForm: h(publishForm),
    forms: h(listForms),
    openApi: h((c, request) => addressLimited(c, (r) => openApiHandler(c, r))(request)),
    syncPush: observePush(ctx.metrics, h(pushHandler)),
    syncPull: h(pull),
    syncConflicts: h(listConflicts),
    syncResolve: h(resolveConflict),
    syncStatus: h(syncStatus),
    syncUsers: h(listUserNames),
    syncEvents: h(liveEvents),
    mediaUploadCreate: hStream(media.createUpload),
    mediaUpload: hStream(media.upload),
    mediaContent: hStream(media.content),
    methodNotAllowed: handle(ctx.log, addressLimited(ctx, methodNotAllowed)),
    notFound: handle(ctx.log, addressLimited(ctx, unknownEndpoint)),
  });
}
