'use client';
// The shell's link to the form editor, for coordinators and admins only.
import { useTranslation } from 'react-i18next';
import { href } from '../routes';
import type { Session } from '../session';

export function FormsNavLink({ role, current }: { readonly role: Session['user']['role']; readonly current: boolean }) {
  const { t } = useTranslation('forms');
  if (role === 'field_worker') return null;
  return (
    <a href={href({ name: 'form-editor', formId: null })} aria-current={current ? 'page' : undefined} data-testid="nav-forms">
      {t('nav')}
    </a>
  );
}
