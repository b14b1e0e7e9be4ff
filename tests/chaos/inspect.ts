import postgres from 'postgres';
import { startEmbeddedCluster } from '../../server/db/embedded.ts';
import { freePort } from '../helpers/ports.ts';

// `npx tsx tests/chaos/inspect.ts <kept data dir> "<sql>" ...`: runs queries against the Postgres
// cluster a failed fault run kept, started alone (no API, no reconciler), so nothing moves.
const [dir, ...queries] = process.argv.slice(2);
if (!dir || queries.length === 0) {
  process.stderr.write('usage: tsx tests/chaos/inspect.ts <data dir> "<sql>" ["<sql>" ...]\n');
  process.exit(2);
}
const cluster = await startEmbeddedCluster(`${dir}/pg`, await freePort());
const sql = postgres(cluster.url('refrain'), { max: 1, onnotice: () => {} });
try {
  for (const query of queries) {
    process.stdout.write(`${query}\n`);
    console.table(await sql.unsafe(query));
  }
} finally {
  await sql.end();
  await cluster.stop();
}
