import type { Catalog } from '../catalog';
import type { common as en } from '../en/common';

export const common = {
  appName: 'Fieldsync',
  opening: 'Ouverture de Fieldsync…',
  language: 'Langue',
  signOut: 'Se déconnecter',
  save: 'Enregistrer',
  cancel: 'Annuler',
  delete: 'Supprimer',
  edit: 'Modifier',
  back: 'Retour',
  close: 'Fermer',
  retry: 'Réessayer',
  loading: 'Chargement…',
} satisfies Catalog<typeof en>;
