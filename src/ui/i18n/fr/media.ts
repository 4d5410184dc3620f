import type { Catalog } from '../catalog';
import type { media as en } from '../en/media';

export const media = {} satisfies Catalog<typeof en>;
