import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '#db/client.ts';
import { migrate, migrationsFolder } from '#db/migrate.ts';

const dir = mkdtempSync(join(tmpdir(), 'candor-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8'));
const migrationCount: number = journal.entries.length;

function runMigrate(url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['src/cli/migrate.ts'], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('migrations on a real file', () => {
  it('apply once, then find nothing to do; the file runs in WAL mode', async () => {
    const url = `file:${join(dir, 'once.db')}`;
    const handle = await openDatabase({ url });
    expect(await migrate(handle.client)).toBe(migrationCount);
    expect(await migrate(handle.client)).toBe(0);
    const mode = await handle.client.execute('PRAGMA journal_mode');
    expect(mode.rows[0]?.journal_mode).toBe('wal');
    const tables = await handle.client.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    );
    expect(tables.rows.map((row) => row.name)).toEqual(
      expect.arrayContaining([
        'incidents',
        'incident_updates',
        'components',
        'audit_log',
        'api_tokens',
      ]),
    );
    handle.close();
  });

  it('are safe when two processes start at once', async () => {
    for (let round = 0; round < 3; round++) {
      const url = `file:${join(dir, `race-${round}.db`)}`;
      const results = await Promise.all([runMigrate(url), runMigrate(url)]);
      for (const result of results) expect(result.code, result.output).toBe(0);
      const outputs = results.map((r) => r.output.trim()).sort();
      expect(outputs).toEqual(
        [`Applied ${migrationCount} migration(s).`, 'The database is up to date.'].sort(),
      );
      const handle = await openDatabase({ url });
      const applied = await handle.client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
      expect(Number(applied.rows[0]?.n)).toBe(migrationCount);
      handle.close();
    }
  });
});
