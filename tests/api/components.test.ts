import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { componentGroups, componentStatusHistory } from '#db/schema/index.ts';
import { testContent } from '#tests/support/content.ts';
import { type Harness, makeHarness, testClock } from '#tests/support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

describe('POST /api/v1/components', () => {
  it('creates a component in a new group named by the request', async () => {
    const created = await h.request('POST', '/api/v1/components', {
      name: 'Payments API',
      description: 'Charges and refunds',
      group: 'Payments',
    });
    expect(created.status).toBe(201);
    expect(created.json.id).toMatch(/^[a-z0-9]{12}$/);
    const { json } = await h.request('GET', `/api/v1/components/${created.json.id}`);
    expect(json).toMatchObject({
      name: 'Payments API',
      description: 'Charges and refunds',
      group_name: 'Payments',
      status: 'operational',
      audience: 'public',
      content_key: null,
    });
    const again = await h.request('POST', '/api/v1/components', {
      name: 'Refunds',
      group: json.group_id,
    });
    expect((await h.request('GET', `/api/v1/components/${again.json.id}`)).json.group_id).toBe(
      json.group_id,
    );
    expect(
      await h.db.select().from(componentGroups).where(eq(componentGroups.name, 'Payments')),
    ).toHaveLength(1);
  });

  it('starts the status history at creation', async () => {
    const { json } = await h.request('POST', '/api/v1/components', {
      name: 'Search',
      status: 'degraded_performance',
    });
    const history = await h.db
      .select()
      .from(componentStatusHistory)
      .where(eq(componentStatusHistory.componentId, json.id));
    expect(history).toMatchObject([{ status: 'degraded_performance', endedAt: null }]);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(256) }, 'name'],
    [{ name: 'Search', status: 'down' }, 'status'],
    [{ name: 'Search', audience: 'everyone' }, 'audience'],
    [{ name: 'Search', colour: 'red' }, 'colour'],
  ])('refuses %j with 422 naming %s', async (body, field) => {
    const { status, json, headers } = await h.request('POST', '/api/v1/components', body);
    expect(status).toBe(422);
    expect(headers.get('content-type')).toBe('application/problem+json');
    expect(json.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(json.detail).toContain(field);
  });
});

describe('PATCH /api/v1/components/:id', () => {
  it('changes the status and keeps the history as intervals', async () => {
    h.clock.advance(60_000);
    const patched = await h.request('PATCH', `/api/v1/components/${h.ids.api}`, {
      status: 'major_outage',
    });
    expect(patched.status).toBe(200);
    expect(patched.json.status).toBe('major_outage');
    h.clock.advance(60_000);
    await h.request('PATCH', `/api/v1/components/${h.ids.api}`, { status: 'operational' });
    const history = await h.db
      .select()
      .from(componentStatusHistory)
      .where(eq(componentStatusHistory.componentId, h.ids.api))
      .orderBy(componentStatusHistory.id);
    expect(history.map((row) => [row.status, row.endedAt === null])).toEqual([
      ['operational', false],
      ['major_outage', false],
      ['operational', true],
    ]);
    expect(history[1]?.startedAt.getTime()).toBe(history[0]?.endedAt?.getTime());
  });

  it('moves a component out of its group', async () => {
    const { json } = await h.request('PATCH', `/api/v1/components/${h.ids.auth}`, { group: null });
    expect(json.group_id).toBeNull();
  });

  it('answers 404 for an unknown id', async () => {
    const { status, json } = await h.request('PATCH', '/api/v1/components/nosuchthing1', {
      name: 'x',
    });
    expect(status).toBe(404);
    expect(json.detail).toContain('nosuchthing1');
  });
});

describe('DELETE /api/v1/components/:id', () => {
  it('deletes, then answers 404', async () => {
    expect((await h.request('DELETE', `/api/v1/components/${h.ids.web}`)).status).toBe(204);
    expect((await h.request('GET', `/api/v1/components/${h.ids.web}`)).status).toBe(404);
    expect((await h.request('DELETE', `/api/v1/components/${h.ids.web}`)).status).toBe(404);
  });
});

describe('GET /api/v1/components', () => {
  it('lists public and internal components', async () => {
    const { json } = await h.request('GET', '/api/v1/components');
    expect(json.map((c: { name: string }) => c.name).sort()).toEqual([
      'API',
      'Auth',
      'Deploys',
      'Website',
    ]);
  });
});

describe('positions in the public JSON', () => {
  it('run 1..n in each level, so hidden items leave no gap', async () => {
    // A public component inside the internal Ops group shows at the group's place, ungrouped.
    await h.request('POST', '/api/v1/components', { name: 'Status webhooks', group: 'Ops' });
    const { json } = await h.request('GET', '/api/v2/components.json');
    const top = json.components.filter((c: { group_id: string | null }) => c.group_id === null);
    expect(top.map((c: { name: string; position: number }) => [c.name, c.position])).toEqual([
      ['Core', 1],
      ['Status webhooks', 2],
      ['Website', 3],
    ]);
    const core = top[0];
    const children = json.components.filter((c: { group_id: string }) => c.group_id === core.id);
    expect(children.map((c: { position: number }) => c.position)).toEqual([1, 2]);
  });
});

describe('start dates', () => {
  it('default to the day of creation in the site time zone', async () => {
    const late = await makeHarness({
      clock: testClock(new Date('2026-11-20T23:30:00.000Z')),
      content: testContent({ timeZone: 'Europe/Berlin' }),
    });
    try {
      const { json } = await late.request('POST', '/api/v1/components', { name: 'Late' });
      expect((await late.request('GET', `/api/v1/components/${json.id}`)).json.start_date).toBe(
        '2026-11-21',
      );
      expect(
        (await late.request('GET', `/api/v1/components/${late.ids.api}`)).json.start_date,
      ).toBe('2026-11-21');
    } finally {
      late.close();
    }
  });
});
