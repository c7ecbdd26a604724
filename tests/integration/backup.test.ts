import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, type StartedServer, startServer } from '#tests/support/server.ts';

// A backup taken while the server serves and writes, and a restore that brings it back.

const token = 'backup-bootstrap-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'candor-backup-'));
const databaseUrl = `file:${join(dir, 'candor.db')}`;
const backupFile = join(dir, 'backup.db');
let server: StartedServer | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const backup = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', './src/preload.mjs', 'src/cli/backup.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });

describe('backups', () => {
  it('copies the database while it serves, and a restore brings that copy back', async () => {
    server = await startServer({ BOOTSTRAP_TOKEN: token, DATABASE_URL: databaseUrl });
    const api = apiClient(() => server?.url ?? '', token);
    const declare = (title: string) =>
      api('POST', '/api/v1/incidents', { title, status: 'investigating', body: 'Looking.' });
    expect((await declare('Before the backup')).status).toBe(201);

    // Writes keep coming while the backup runs; each is in the copy whole, or not at all.
    const writing = Promise.all(Array.from({ length: 10 }, (_, n) => declare(`During ${n}`)));
    const taken = backup('--out', backupFile);
    await writing;
    expect(taken.status, taken.stderr).toBe(0);
    expect(taken.stdout).toMatch(/Backed up to .* integrity ok\./);
    expect(backup('--out', backupFile).stderr).toMatch(/exists: a backup never overwrites/);

    expect((await declare('After the backup')).status).toBe(201);
    // Not while the server has the database open.
    const refused = backup('--restore', backupFile);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/is in use .*stop Candor, then restore/);

    await server.stop();
    server = undefined;
    const restored = backup('--restore', backupFile);
    expect(restored.status, restored.stderr).toBe(0);
    expect(readdirSync(dir).some((name) => name.startsWith('candor.db.before-restore-'))).toBe(
      true,
    );

    server = await startServer({ BOOTSTRAP_TOKEN: token, DATABASE_URL: databaseUrl });
    const restoredApi = apiClient(() => server?.url ?? '', token);
    const incidents = (await restoredApi('GET', '/api/v1/incidents')).json as {
      id: string;
      title: string;
    }[];
    const back = incidents.map((incident) => incident.title);
    expect(back).toContain('Before the backup');
    expect(back).not.toContain('After the backup');
    // Each incident made during the backup is there with its first update, or not at all.
    for (const incident of incidents.filter((i) => i.title.startsWith('During'))) {
      const full = await restoredApi('GET', `/api/v1/incidents/${incident.id}`);
      expect(full.json.updates.length).toBe(1);
    }
  }, 90_000);

  it('refuses a file that is not a Candor backup', () => {
    const bogus = join(dir, 'bogus.db');
    expect(existsSync(bogus)).toBe(false);
    const missing = backup('--restore', bogus);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
  });
});
