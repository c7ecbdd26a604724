import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

// A month with more incidents than SQLite takes parameters in one statement (32,766): the
// history must still read, since each incident's updates are looked up by its id.

const count = 33_000;
let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
  const at = h.clock.now().getTime() - 3_600_000;
  await h.db.run(sql`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
    INSERT INTO incidents (id, title, status, impact, severity, type, audience, started_at, resolved_at, created_at, updated_at)
    SELECT printf('bulk%08d', i), printf('Bulk incident %d', i), 'resolved', 'minor', 'sev4', 'outage', 'public',
           ${at} + i, ${at} + i + 60000, ${at} + i, ${at} + i
    FROM n`);
}, 60_000);
afterAll(() => h.close());

describe('a history page with tens of thousands of incidents', () => {
  it('reads them all', async () => {
    const page = await h.candor.publicReads.history(1);
    const events = page.months.flatMap((month) => month.events);
    expect(events.length).toBe(count);
  });
});
