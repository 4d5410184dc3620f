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
  unsyncedOnSignOut_one: '{{count}} cambio aún no está sincronizado. Se queda en este dispositivo y se enviará cuando vuelva a iniciar sesión. ¿Cerrar sesión?',
  unsyncedOnSignOut_many: '{{count}} cambios aún no están sincronizados. Se quedan en este dispositivo y se enviarán cuando vuelva a iniciar sesión. ¿Cerrar sesión?',
  unsyncedOnSignOut_other: '{{count}} cambios aún no están sincronizados. Se quedan en este dispositivo y se enviarán cuando vuelva a iniciar sesión. ¿Cerrar sesión?',
  nav: {
    main: 'Principal',
    sites: 'Sitios',
    queue: 'Cola de sincronización',
    conflicts: 'Conflictos',
    admin: 'Administración',
    people: 'Personas',
  },
  role: { field_worker: 'Trabajador de campo', coordinator: 'Coordinador', admin: 'Administrador' },
  status: { pending: 'en espera', syncing: 'enviando', completed: 'sincronizado', conflict: 'conflicto', failed: 'se reintentará', rejected: 'rechazado' },
  action: { create: 'Nuevo', update: 'Edición', delete: 'Eliminación' },
  recordStatus: { rejected: 'rechazado', pending: 'en este dispositivo', lost: 'su edición perdió', synced: 'sincronizado' },
  reference: {
    title: 'Referencia de la API',
    loading: 'Cargando la referencia de la API…',
    offline: 'La referencia de la API necesita una conexión con el servidor.',
  },
} satisfies Catalog<typeof en>;
