// English strings of the states screens (see common.ts for the rules every catalogue follows).
export const states = {} as const;
