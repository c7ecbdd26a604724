import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notifications } from '#db/schema/index.ts';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

// The console's reads of subscribers and delivery: search, paging, counts, delivery per update.

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

const importAll = (emails: string[], confirmed = true) =>
  h.candor
    .console('user:editor@example.com')
    .importSubscribers(emails.map((email) => ({ email, confirmed })));

describe('the console’s subscriber search', () => {
  it('finds by part of the address without regard to case, taking % and _ literally', async () => {
    await importAll(['ann_lee@example.com', 'annxlee@example.com', 'bob@example.org', '50%@x.io']);
    const found = async (query: string) =>
      (await h.candor.consoleReads.searchSubscribers({ query, limit: 10 })).map((r) => r.email);
    expect(await found('ANN_')).toEqual(['ann_lee@example.com']);
    expect(await found('%')).toEqual(['50%@x.io']);
    expect(await found('example')).toEqual([
      'ann_lee@example.com',
      'annxlee@example.com',
      'bob@example.org',
    ]);
  });

  it('pages in address order after the last address shown, within a state', async () => {
    await importAll(['c@example.com', 'a@example.com', 'b@example.com', 'd@example.com']);
    await importAll(['p@example.com'], false);
    const page = (after?: string) =>
      h.candor.consoleReads.searchSubscribers({ state: 'active', after, limit: 2 });
    expect((await page()).map((r) => r.email)).toEqual(['a@example.com', 'b@example.com']);
    expect((await page('b@example.com')).map((r) => r.email)).toEqual([
      'c@example.com',
      'd@example.com',
    ]);
    expect(await page('d@example.com')).toEqual([]);
    expect(await h.candor.consoleReads.subscriberCounts()).toEqual({ active: 4, pending: 1 });
  });

  it('imports more than one transaction’s worth, counting what was added', async () => {
    const emails = Array.from({ length: 2500 }, (_, i) => `p${i}@example.com`);
    expect((await importAll(emails.slice(0, 10))).created).toBe(10);
    const result = await importAll(emails);
    expect(result.created).toBe(2490);
    expect(result.ids).toHaveLength(2500);
  });
});

describe('delivery per update', () => {
  it('counts each notifying public update’s emails by state, newest update first', async () => {
    await importAll(['a@example.com', 'b@example.com', 'c@example.com']);
    const declare = async (title: string, extra: Record<string, unknown> = {}) => {
      const made = await h.request('POST', '/api/v1/incidents', {
        title,
        status: 'investigating',
        body: 'Looking.',
        notify: true,
        ...extra,
      });
      expect(made.status, made.text).toBe(201);
      return made.json.id as string;
    };
    const first = await declare('First');
    h.clock.advance(60_000);
    await declare('Internal', { audience: 'internal' });
    h.clock.advance(60_000);
    const second = await declare('Second');
    const [email] = await h.db.select().from(notifications).limit(1);
    await h.db
      .update(notifications)
      .set({ state: 'failed', error: 'refused' })
      .where(eq(notifications.id, email?.id ?? 0));
    const deliveries = await h.candor.consoleReads.deliveryByUpdate(10);
    expect(
      deliveries.map((d) => ({
        parent: d.parentId,
        title: d.title,
        counts: d.counts,
        total: d.total,
      })),
    ).toEqual([
      { parent: second, title: 'Second', counts: { queued: 3 }, total: 3 },
      { parent: first, title: 'First', counts: { queued: 2, failed: 1 }, total: 3 },
    ]);
  });
});
