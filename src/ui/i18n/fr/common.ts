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
  unsyncedOnSignOut_one: '{{count}} modification n’est pas encore synchronisée. Elle reste sur cet appareil et sera envoyée à votre prochaine connexion. Se déconnecter ?',
  unsyncedOnSignOut_many: '{{count}} modifications ne sont pas encore synchronisées. Elles restent sur cet appareil et seront envoyées à votre prochaine connexion. Se déconnecter ?',
  unsyncedOnSignOut_other: '{{count}} modifications ne sont pas encore synchronisées. Elles restent sur cet appareil et seront envoyées à votre prochaine connexion. Se déconnecter ?',
  nav: {
    main: 'Principal',
    sites: 'Sites',
    queue: 'File de synchronisation',
    conflicts: 'Conflits',
    admin: 'Administration',
    people: 'Personnes',
  },
  role: { field_worker: 'Agent de terrain', coordinator: 'Coordinateur', admin: 'Administrateur' },
  status: { pending: 'en attente', syncing: 'envoi en cours', completed: 'synchronisé', conflict: 'conflit', failed: 'nouvel essai prévu', rejected: 'refusé' },
  action: { create: 'Création', update: 'Modification', delete: 'Suppression' },
  recordStatus: { rejected: 'refusé', pending: 'sur cet appareil', lost: 'votre modification a perdu', synced: 'synchronisé' },
  reference: {
    title: 'Référence de l’API',
    loading: 'Chargement de la référence de l’API…',
    offline: 'La référence de l’API nécessite une connexion au serveur.',
  },
} satisfies Catalog<typeof en>;
