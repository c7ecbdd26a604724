import { fileURLToPath } from 'node:url';
import type { Client } from '@libsql/client';
import { readMigrationFiles } from 'drizzle-orm/migrator';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** drizzle-kit's own bookkeeping table, so its tools and ours agree on what is applied. */
const journalTable = '__drizzle_migrations';

/**
 * Applies the committed drizzle-kit migrations that the database lacks, all in one write
 * transaction. The transaction begins IMMEDIATE, so when two processes start at once the second
 * waits for the first's lock, then finds everything applied and does nothing.
 * @returns the number of migrations applied.
 */
export async function migrate(client: Client, folder = migrationsFolder): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  const tx = await client.transaction('write');
  try {
    await tx.execute(
      `CREATE TABLE IF NOT EXISTS "${journalTable}" (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)`,
    );
    const last = await tx.execute(
      `SELECT created_at FROM "${journalTable}" ORDER BY created_at DESC LIMIT 1`,
    );
    const appliedUpTo = Number(last.rows[0]?.created_at ?? -1);
    const pending = migrations.filter((migration) => migration.folderMillis > appliedUpTo);
    for (const migration of pending) {
      for (const statement of migration.sql) {
        if (statement.trim() !== '') await tx.execute(statement);
      }
      await tx.execute({
        sql: `INSERT INTO "${journalTable}" (hash, created_at) VALUES (?, ?)`,
        args: [migration.hash, migration.folderMillis],
      });
    }
    await tx.commit();
    return pending.length;
  } finally {
    tx.close();
  }
}
