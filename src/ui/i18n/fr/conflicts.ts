import type { Catalog } from '../catalog';
import type { conflicts as en } from '../en/conflicts';

export const conflicts = {} satisfies Catalog<typeof en>;
