import { loadConfig } from '#config';
import { openDatabase } from '#db/client.ts';
import { migrate } from '#db/migrate.ts';
import type { ServiceContext } from '#services/context.ts';

/**
 * Opens the configured database, migrated, for a command-line tool, with a context acting as
 * "cli" (it touches no component status, so the time zone does not matter).
 */
export async function openForCli() {
  const config = loadConfig(process.env);
  const handle = await openDatabase({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
  });
  await migrate(handle.client);
  const ctx: ServiceContext = {
    db: handle.db,
    now: () => new Date(),
    actor: 'cli',
    changed: () => {},
    timeZone: 'Etc/UTC',
  };
  return { config, handle, ctx };
}

/** Prints the message of an expected failure as one line and exits non-zero. */
export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
