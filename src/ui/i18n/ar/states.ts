import type { Catalog } from '../catalog';
import type { states as en } from '../en/states';

export const states = {} satisfies Catalog<typeof en>;
