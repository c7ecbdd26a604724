// npm run db:migrate: applies pending migrations without starting the server (start-up does the
// same, so this is for deploy pipelines that migrate first).
import { loadConfig } from '#config';
import { openDatabase } from '#db/client.ts';
import { migrate } from '#db/migrate.ts';

const config = loadConfig(process.env);
const handle = await openDatabase({ url: config.databaseUrl, authToken: config.databaseAuthToken });
try {
  const applied = await migrate(handle.client);
  console.log(applied === 0 ? 'The database is up to date.' : `Applied ${applied} migration(s).`);
} finally {
  handle.close();
}
