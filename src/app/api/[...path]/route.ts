import { route } from '@/server/runtime';

// Any other path under /api: a JSON 404 instead of Next.js's HTML page.
export const GET = route('notFound');
export const POST = route('notFound');
export const PUT = route('notFound');
export const PATCH = route('notFound');
export const DELETE = route('notFound');
