// The shape a translation must have: every key of the English catalogue, nested alike. Extra
// keys are allowed only so that languages can carry their own plural forms (Arabic: _zero,
// _two, _few, _many); catalog.test.ts refuses any other extra key.
type Plural = `${string}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}`;

export type Catalog<T> = { readonly [K in keyof T as K extends Plural ? never : K]: T[K] extends string ? string : Catalog<T[K]> } & {
  readonly [K in keyof T as K extends `${string}_other` ? K : never]: string;
} & { readonly [k: string]: unknown };
