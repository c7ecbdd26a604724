import { existsSync, statSync } from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Client, createClient } from '@libsql/client';
import { filePath } from './client.ts';

// Backups of a local database file, taken while Candor serves, and their restore. A libSQL server
// or Turso database is backed up by its own tools (point-in-time restore), not by these.

/** What a backup holds, checked by opening it. */
export interface BackupFacts {
  path: string;
  bytes: number;
  tables: number;
  migrations: number;
  incidents: number;
}

/**
 * Writes a consistent copy of the open database to `target` with VACUUM INTO: one read
 * transaction, so writes made meanwhile are either wholly in it or not at all, and the server
 * keeps serving (readers and the writer are not blocked under WAL). The copy is compacted.
 */
export async function backupTo(client: Client, target: string): Promise<BackupFacts> {
  const path = resolve(target);
  if (existsSync(path)) throw new Error(`${path} exists: a backup never overwrites a file.`);
  await client.execute({ sql: 'VACUUM INTO ?', args: [path] });
  return verifyBackup(path);
}

/** Opens a backup (reading only), checks its integrity, and says what is in it. */
export async function verifyBackup(path: string): Promise<BackupFacts> {
  if (!existsSync(path)) throw new Error(`${path} does not exist.`);
  const copy = createClient({ url: `file:${path}` });
  try {
    const integrity = await copy.execute('PRAGMA integrity_check');
    const verdict = String(integrity.rows[0]?.[0] ?? '');
    if (verdict !== 'ok') throw new Error(`${path} is damaged: ${verdict}`);
    const count = async (sql: string) => Number((await copy.execute(sql)).rows[0]?.[0] ?? 0);
    const tables = await count("SELECT count(*) FROM sqlite_master WHERE type = 'table'");
    if (tables === 0) throw new Error(`${path} holds no tables: not a Candor database.`);
    return {
      path,
      bytes: statSync(path).size,
      tables,
      migrations: await count('SELECT count(*) FROM __drizzle_migrations'),
      incidents: await count('SELECT count(*) FROM incidents'),
    };
  } catch (error) {
    if (error instanceof Error && /no such table/.test(error.message)) {
      throw new Error(`${path} is not a Candor database (${error.message}).`);
    }
    throw error;
  } finally {
    copy.close();
  }
}

/**
 * Puts a backup in place of the database at `databaseUrl` (a file: URL). Candor must be stopped:
 * the restore takes the database's write lock first and refuses when it cannot. The current file
 * is kept beside it as `<name>.before-restore-<time>`, so a restore can itself be undone.
 * @returns the path the replaced database was moved to, or null when there was none.
 */
export async function restoreFrom(backup: string, databaseUrl: string): Promise<string | null> {
  const target = databaseUrl.startsWith('file:') ? filePath(databaseUrl) : null;
  if (!target) throw new Error('Restore works on a local database file (DATABASE_URL=file:…).');
  await verifyBackup(resolve(backup));
  const staging = join(dirname(resolve(target)), `.restore-${process.pid}.db`);
  await copyFile(resolve(backup), staging);
  let kept: string | null = null;
  if (existsSync(target)) {
    const current = createClient({ url: `file:${target}`, timeout: 0 });
    let inUse: string | null = null;
    try {
      // Leaving WAL mode needs the only connection to the file: if another process (a running
      // Candor) has it open, the mode stays "wal". On the way, the WAL is folded into the file.
      const mode = await current.execute('PRAGMA journal_mode = DELETE');
      if (String(mode.rows[0]?.[0]).toLowerCase() !== 'delete')
        inUse = 'another process has it open';
    } catch (error) {
      inUse = error instanceof Error ? error.message : String(error);
    } finally {
      current.close();
    }
    if (inUse) {
      await rm(staging, { force: true });
      throw new Error(`The database ${target} is in use (${inUse}): stop Candor, then restore.`);
    }
    kept = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(target, kept);
    for (const suffix of ['-wal', '-shm']) await rm(`${target}${suffix}`, { force: true });
  }
  await rename(staging, target);
  return kept;
}
