import { route } from '@/server/runtime';

export const GET = route('openApi');
export const POST = route('methodNotAllowed');
export const PUT = route('methodNotAllowed');
export const PATCH = route('methodNotAllowed');
export const DELETE = route('methodNotAllowed');
