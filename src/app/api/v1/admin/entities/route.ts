import { route } from '@/server/runtime';

export const GET = route('adminListEntities');
export const POST = route('adminCreateEntity');
export const PUT = route('methodNotAllowed');
export const PATCH = route('methodNotAllowed');
export const DELETE = route('methodNotAllowed');
