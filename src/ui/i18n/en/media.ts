// English strings of the media screens (see common.ts for the rules every catalogue follows).
export const media = {} as const;
