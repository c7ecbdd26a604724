import { loadConfig } from '#config';
import { openDatabase } from '#db/client.ts';
import { migrate } from '#db/migrate.ts';

/** Opens the configured database, migrated, for a command-line tool. */
export async function openForCli() {
  const config = loadConfig(process.env);
  const handle = await openDatabase({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
  });
  await migrate(handle.client);
  return { config, handle };
}

/** Prints the message of an expected failure as one line and exits non-zero. */
export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
