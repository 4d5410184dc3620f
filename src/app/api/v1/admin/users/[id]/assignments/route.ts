import { route } from '@/server/runtime';

export const GET = route('methodNotAllowed');
export const POST = route('methodNotAllowed');
export const PUT = route('adminReplaceAssignments');
export const PATCH = route('methodNotAllowed');
export const DELETE = route('methodNotAllowed');
