// English strings of the auth screens (see common.ts for the rules every catalogue follows).
export const auth = {} as const;
