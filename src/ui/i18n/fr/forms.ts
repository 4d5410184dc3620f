import type { Catalog } from '../catalog';
import type { forms as en } from '../en/forms';

export const forms = {} satisfies Catalog<typeof en>;
