import { route } from '@/server/runtime';

export const GET = route('methodNotAllowed');
export const POST = route('syncResolve');
export const PUT = route('methodNotAllowed');
export const PATCH = route('methodNotAllowed');
export const DELETE = route('methodNotAllowed');
