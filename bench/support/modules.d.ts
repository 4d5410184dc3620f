// PouchDB and express-pouchdb ship no type declarations; bench/pouchdb/types.ts gives the
// few shapes the bench uses.
declare module 'pouchdb';
declare module 'express-pouchdb';
