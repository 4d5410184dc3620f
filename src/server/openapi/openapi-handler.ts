// GET /api/v1/openapi.json (no auth): the OpenAPI document of this API.
import type { ServerContext } from '../context';
import { json } from '../http/respond';
import { openApiDocument } from './document';

export async function openApiHandler(_ctx: ServerContext, _request: Request): Promise<Response> {
  return json(200, openApiDocument(), { 'Cache-Control': 'public, max-age=300' });
}
