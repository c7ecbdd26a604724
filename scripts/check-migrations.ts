// CI guard: the committed migrations must describe the current schema. Generates into a copy of
// db/migrations; a new file there means a schema change was committed without its migration.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const copy = mkdtempSync(join(tmpdir(), 'candor-migrations-'));
try {
  cpSync('db/migrations', copy, { recursive: true });
  const before = new Set(readdirSync(copy));
  execFileSync(
    'npx',
    [
      'drizzle-kit',
      'generate',
      '--dialect',
      'turso',
      '--schema',
      './db/schema/index.ts',
      '--out',
      copy,
    ],
    { stdio: 'pipe' },
  );
  const added = readdirSync(copy).filter((name) => !before.has(name));
  if (added.length > 0) {
    console.error(
      `The schema in db/schema differs from the committed migrations (drizzle-kit would write ${added.join(', ')}). Run: npm run db:generate -- --name <what-changed>`,
    );
    process.exit(1);
  }
  console.log('Migrations match the schema.');
} finally {
  rmSync(copy, { recursive: true, force: true });
}
