import { route } from '@/server/runtime';

export const GET = route('adminListUsers');
export const POST = route('adminCreateUser');
export const PUT = route('methodNotAllowed');
export const PATCH = route('methodNotAllowed');
export const DELETE = route('methodNotAllowed');
