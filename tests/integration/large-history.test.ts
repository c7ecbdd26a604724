import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsPerPage } from '#services/read/load-history.ts';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

// Thousands of incidents in one month, maintenances among them: the history pages through them
// by count, 25 a page, whatever a month holds. And more unresolved incidents than SQLite takes
// parameters in one statement (32,766): the status still reads, since each incident's updates
// are looked up by its id.

const count = 3_000;
const maintenanceCount = 100;
let h: Harness;
let at: number;
beforeAll(async () => {
  h = await makeHarness();
  at = h.clock.now().getTime() - 3_600_000;
  await h.db.run(sql`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
    INSERT INTO incidents (id, title, status, impact, severity, type, audience, started_at, resolved_at, created_at, updated_at)
    SELECT printf('bulk%08d', i), printf('Bulk incident %d', i), 'resolved', 'minor', 'sev4', 'outage',
           CASE WHEN i % 10 = 0 THEN 'internal' ELSE 'public' END,
           ${at} + i * 10, ${at} + i * 10 + 60000, ${at} + i * 10, ${at} + i * 10
    FROM n`);
  // Every 300th slot a maintenance, between two incidents' starts.
  await h.db.run(sql`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${maintenanceCount})
    INSERT INTO maintenances (id, title, status, audience, scheduled_for, scheduled_until, auto_transition, notify, created_at, updated_at)
    SELECT printf('bulkm%07d', i), printf('Bulk maintenance %d', i), 'completed', 'public',
           ${at} + i * 3000 + 5, ${at} + i * 3000 + 60000, 0, 0, ${at}, ${at}
    FROM n`);
}, 60_000);
afterAll(() => h.close());

const publicCount = count - count / 10 + maintenanceCount;
const lastPage = Math.ceil(publicCount / eventsPerPage);

describe('a history of tens of thousands of incidents in one month', () => {
  it('pages through every public one by count, newest first, none twice', async () => {
    const seen: string[] = [];
    let previousStart = Number.POSITIVE_INFINITY;
    for (let n = 1; n <= lastPage; n++) {
      const page = await h.candor.publicReads.history(n);
      const events = page.months.flatMap((month) => month.events);
      expect(events.length).toBe(
        n < lastPage ? eventsPerPage : publicCount - (n - 1) * eventsPerPage,
      );
      expect(page.hasOlder).toBe(n < lastPage);
      for (const event of events) {
        const start = (event.kind === 'incident' ? event.startedAt : event.scheduledFor).getTime();
        expect(start).toBeLessThanOrEqual(previousStart);
        previousStart = start;
        seen.push(event.id);
      }
    }
    expect(new Set(seen).size).toBe(publicCount);
    expect(seen.filter((id) => id.startsWith('bulkm'))).toHaveLength(maintenanceCount);
    // Internal incidents are every tenth: none of them is on any page.
    expect(seen.some((id) => Number(id.slice(4)) % 10 === 0 && !id.startsWith('bulkm'))).toBe(
      false,
    );
  }, 60_000);

  it('has no page past the last', async () => {
    const past = await h.candor.publicReads.history(lastPage + 1);
    expect(past.months).toEqual([]);
  });

  it('reads the status with all of them in the database', async () => {
    const recent = await h.candor.publicReads.recent();
    expect(recent.recentIncidents).toHaveLength(50);
    expect(recent.recentIncidents[0]?.id).toBe(`bulk${String(count - 1).padStart(8, '0')}`);
  });
});

describe('more unresolved incidents than one statement takes parameters', () => {
  let many: Harness;
  const unresolved = 33_000;
  beforeAll(async () => {
    many = await makeHarness();
    const start = many.clock.now().getTime() - 3_600_000;
    await many.db.run(sql`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${unresolved})
      INSERT INTO incidents (id, title, status, impact, severity, type, audience, started_at, created_at, updated_at)
      SELECT printf('open%08d', i), printf('Open incident %d', i), 'investigating', 'minor', 'sev4', 'outage', 'public',
             ${start} + i, ${start} + i, ${start} + i
      FROM n`);
  }, 60_000);
  afterAll(() => many.close());

  it('reads them all on the status', async () => {
    const status = await many.candor.publicReads.status();
    expect(status.unresolvedIncidents).toHaveLength(unresolved);
  });
});
