// English strings of the admin screens (see common.ts for the rules every catalogue follows).
export const admin = {} as const;
