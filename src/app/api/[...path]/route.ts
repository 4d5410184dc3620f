// Every API request under `next dev` (and any the production server leaves to Next.js) comes
// here and goes through the same routing table and handlers as production's Node server
// (src/server/node/api-dispatch.ts), so the two cannot drift.
import { dispatchApi } from '@/server/node/api-dispatch';
import { route } from '@/server/runtime';

const handler = (request: Request) => dispatchApi(request, route);

export const GET = handler;
export const HEAD = handler;
export const POST = handler;
export const PUT = handler;
export const PATCH = handler;
export const DELETE = handler;
export const OPTIONS = handler;
