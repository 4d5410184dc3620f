// English strings of the forms screens (see common.ts for the rules every catalogue follows).
export const forms = {} as const;
