import type { Catalog } from '../catalog';
import type { common as en } from '../en/common';

export const common = {
  appName: 'Fieldsync',
  opening: 'Abriendo Fieldsync…',
  language: 'Idioma',
  signOut: 'Cerrar sesión',
  save: 'Guardar',
  cancel: 'Cancelar',
  delete: 'Eliminar',
  edit: 'Editar',
  back: 'Volver',
  close: 'Cerrar',
  retry: 'Reintentar',
  loading: 'Cargando…',
} satisfies Catalog<typeof en>;
