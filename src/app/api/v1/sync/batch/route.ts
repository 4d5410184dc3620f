import { route } from '@/server/runtime';

export const POST = route('syncPush');
export const GET = route('methodNotAllowed');
export const PUT = route('methodNotAllowed');
export const PATCH = route('methodNotAllowed');
export const DELETE = route('methodNotAllowed');
