// A number for a sentence, in the user's language (interpolated values are strings).
export const num = (lang: string, v: number): string => new Intl.NumberFormat(lang).format(v);
