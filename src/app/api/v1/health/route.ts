import { route } from '@/server/runtime';

export const GET = route('health');
