import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The pages get the process's services through `locals` (docs/adr/0001). If a page imported a
// service, the database client or the schema at run time, Astro's build would bundle a second
// copy with its own connections and caches: this test reads the build and refuses that.

const serverDir = 'dist/server';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.mjs'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the Astro build', () => {
  it('exists (npm test builds it first)', () => {
    expect(existsSync(join(serverDir, 'entry.mjs')), 'run "npm run build" before this test').toBe(
      true,
    );
  });

  it('carries no second copy of the database client, schema or services', () => {
    const forbidden = [
      /@libsql\/client/,
      /drizzle-orm/,
      /sqliteTable\(/,
      /CREATE TABLE/i,
      /function loadPublicStatus/,
      /function createIncident/,
    ];
    for (const file of files(serverDir)) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of forbidden) {
        expect(pattern.test(text), `${file} contains ${pattern}`).toBe(false);
      }
    }
  });
});
