import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { incidents } from '#db/schema/index.ts';
import { makeHarness } from '#tests/support/harness.ts';

// The embedded driver is synchronous: without the write queue in db/client.ts, a second write
// transaction in the same process blocks the event loop on SQLite's lock until the busy timeout
// (5 s) fails it. Here twenty writes race; all must succeed, and quickly.

const dir = mkdtempSync(join(tmpdir(), 'candor-concurrent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('concurrent writes in one process on a file database', () => {
  it('all succeed, one after another, with reads served meanwhile', async () => {
    const h = await makeHarness({ url: `file:${join(dir, 'concurrent.db')}` });
    try {
      const started = Date.now();
      const writes = Array.from({ length: 20 }, (_, i) =>
        h.request('POST', '/api/v1/incidents', {
          title: `Incident ${i}`,
          status: 'investigating',
          body: 'Racing.',
          components: { [i % 2 ? h.ids.api : h.ids.auth]: 'partial_outage' },
        }),
      );
      const reads = Array.from({ length: 20 }, () =>
        h.request('GET', '/api/v2/summary.json', undefined, ''),
      );
      const results = await Promise.all([...writes, ...reads]);
      expect(results.map((r) => r.status)).toEqual([
        ...Array(20).fill(201),
        ...Array(20).fill(200),
      ]);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(await h.db.select().from(incidents)).toHaveLength(20);
    } finally {
      h.close();
    }
  });
});
