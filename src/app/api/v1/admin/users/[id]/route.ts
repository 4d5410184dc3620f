import { route } from '@/server/runtime';

export const GET = route('methodNotAllowed');
export const POST = route('methodNotAllowed');
export const PUT = route('methodNotAllowed');
export const PATCH = route('adminUpdateUser');
export const DELETE = route('methodNotAllowed');
