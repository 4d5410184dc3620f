// English strings of the conflicts screens (see common.ts for the rules every catalogue follows).
export const conflicts = {} as const;
