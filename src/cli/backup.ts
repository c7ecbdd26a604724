// npm run backup -- --out FILE        a consistent copy of the database, taken while it serves
// npm run backup -- --restore FILE    puts a backup in place (stop Candor first)
// See docs/operating.md, "Backups".
import { parseArgs } from 'node:util';
import { loadConfig } from '#config';
import { backupTo, restoreFrom } from '#db/backup.ts';
import { openDatabase } from '#db/client.ts';
import { fail } from './open.ts';

const usage = 'Usage: npm run backup -- --out FILE | --restore FILE';
const { values } = parseArgs({
  options: { out: { type: 'string' }, restore: { type: 'string' } },
});
if (!values.out === !values.restore) fail(usage);

const config = loadConfig(process.env);
const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
try {
  if (values.out) {
    if (!config.databaseUrl.startsWith('file:')) {
      fail(
        'Backups here copy a local database file; back up a libSQL server or Turso with its own tools.',
      );
    }
    const handle = await openDatabase({ url: config.databaseUrl });
    try {
      const facts = await backupTo(handle.client, values.out);
      console.log(
        `Backed up to ${facts.path} in ${seconds()} s: ${(facts.bytes / 1024).toFixed(0)} KiB, ${facts.incidents} incidents, ${facts.migrations} migrations, integrity ok.`,
      );
    } finally {
      handle.close();
    }
  } else if (values.restore) {
    const kept = await restoreFrom(values.restore, config.databaseUrl);
    console.log(
      `Restored ${values.restore} in ${seconds()} s.${kept ? ` The database it replaced is kept at ${kept}.` : ''} Start Candor again.`,
    );
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
