// English strings of the lists screens (see common.ts for the rules every catalogue follows).
export const lists = {} as const;
