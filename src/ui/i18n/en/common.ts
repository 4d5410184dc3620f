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
} as const;
