// English: the source catalogue. Every other language has the same keys (checked by tsc and by
// catalog.test.ts); plural keys end in _one/_other here and carry each language's own forms.
export const common = {
  appName: 'Fieldsync',
  opening: 'Opening Fieldsync…',
  language: 'Language',
  signOut: 'Sign out',
  save: 'Save',
  cancel: 'Cancel',
  delete: 'Delete',
  edit: 'Edit',
  back: 'Back',
  close: 'Close',
  retry: 'Retry',
  loading: 'Loading…',
  unsyncedOnSignOut_one: '{{count}} change is not synced yet. It stays on this device and is sent when you sign in again. Sign out?',
  unsyncedOnSignOut_other: '{{count}} changes are not synced yet. They stay on this device and are sent when you sign in again. Sign out?',
  nav: {
    main: 'Main',
    sites: 'Sites',
    queue: 'Sync queue',
    conflicts: 'Conflicts',
    admin: 'Admin',
    people: 'People',
  },
  role: { field_worker: 'Field worker', coordinator: 'Coordinator', admin: 'Admin' },
  /** A change's state in the outbox (the sync queue). */
  status: { pending: 'waiting', syncing: 'sending', completed: 'synced', conflict: 'conflict', failed: 'will retry', rejected: 'rejected' },
  action: { create: 'New', update: 'Edit', delete: 'Delete' },
  /** A record's badge in the lists. */
  recordStatus: { rejected: 'rejected', pending: 'on this device', lost: 'your edit lost', synced: 'synced' },
  reference: {
    title: 'API reference',
    loading: 'Loading the API reference…',
    offline: 'The API reference needs a connection to the server.',
  },
} as const;
