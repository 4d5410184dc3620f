// The PouchDB/CouchDB contender's server, run as its own child process:
//   node --import tsx bench/pouchdb/server.ts <port> <data dir>
// express-pouchdb's own app over PouchDB with on-disk LevelDB stores under <data dir>, on
// 127.0.0.1. Mode `minimumForPouchDB`: the routes replication needs (with compression), none
// of the admin extras, so nothing slows it down that a sync server would not need.
import PouchDB from 'pouchdb';
import expressPouchdb from 'express-pouchdb';

const [portArg, dir] = process.argv.slice(2);
if (!portArg || !dir) {
  console.error('usage: server.ts <port> <data dir>');
  process.exit(2);
}
const Pouch = PouchDB.defaults({ prefix: `${dir}/` });
const app = expressPouchdb(Pouch, { mode: 'minimumForPouchDB' });
app.listen(Number(portArg), '127.0.0.1', () => console.log(`pouchdb server listening on ${portArg}`));
