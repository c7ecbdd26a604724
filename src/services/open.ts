import type { Config } from '#config';
import { type DatabaseHandle, openDatabase } from '#db/client.ts';
import { migrate } from '#db/migrate.ts';
import { type Candor, createCandor } from './candor.ts';
import { loadContent } from './content/load-content.ts';
import { syncContent } from './content/sync-content.ts';
import { ensureInstanceSettings } from './settings.ts';
import { ensureRollups } from './uptime/rebuild-rollups.ts';

/**
 * Opens the services as start-up does, without HTTP: database, migrations, content, generated
 * settings, the content sync and the uptime rollup. The server, the demo and the benchmarks use it.
 */
export async function openCandor(
  config: Config,
  options: { now?: () => Date } = {},
): Promise<{ candor: Candor; database: DatabaseHandle }> {
  const database = await openDatabase({
    url: config.databaseUrl,
    authToken: config.databaseAuthToken,
  });
  await migrate(database.client);
  const content = await loadContent(config.contentDir);
  const { pageId, sessionSecret } = await ensureInstanceSettings(database.db, config);
  const candor = createCandor({
    config,
    db: database.db,
    content,
    pageId,
    signingSecret: sessionSecret,
    ...(options.now ? { now: options.now } : {}),
  });
  await syncContent(candor.context('content'), content.catalogue);
  await ensureRollups(candor.context('content'));
  return { candor, database };
}
