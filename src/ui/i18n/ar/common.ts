import type { Catalog } from '../catalog';
import type { common as en } from '../en/common';

export const common = {
  appName: 'Fieldsync',
  opening: 'جارٍ فتح Fieldsync…',
  language: 'اللغة',
  signOut: 'تسجيل الخروج',
  save: 'حفظ',
  cancel: 'إلغاء',
  delete: 'حذف',
  edit: 'تعديل',
  back: 'رجوع',
  close: 'إغلاق',
  retry: 'إعادة المحاولة',
  loading: 'جارٍ التحميل…',
} satisfies Catalog<typeof en>;
