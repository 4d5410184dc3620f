import type { Catalog } from '../catalog';
import type { lists as en } from '../en/lists';

export const lists = {} satisfies Catalog<typeof en>;
