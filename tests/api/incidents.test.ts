import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidents } from '#db/schema/index.ts';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

const minute = 60_000;

async function declare(extra: Record<string, unknown> = {}) {
  const response = await h.request('POST', '/api/v1/incidents', {
    title: 'Elevated API errors',
    status: 'investigating',
    body: 'We are looking into elevated error rates.',
    components: { [h.ids.api]: 'partial_outage' },
    ...extra,
  });
  expect(response.status, response.text).toBe(201);
  return response.json.id as string;
}

async function update(id: string, body: Record<string, unknown>) {
  h.clock.advance(minute);
  return h.request('POST', `/api/v1/incidents/${id}/updates`, body);
}

describe('declaring an incident', () => {
  it('records it with the defaults automation relies on, and sets its components', async () => {
    const id = await declare();
    const { json } = await h.request('GET', `/api/v1/incidents/${id}`);
    expect(json).toMatchObject({
      title: 'Elevated API errors',
      status: 'investigating',
      severity: 'sev3',
      impact: 'minor',
      type: 'outage',
      audience: 'public',
      components: [h.ids.api],
      url: `https://status.testco.example/incidents/${id}`,
    });
    expect(json.updates).toHaveLength(1);
    expect(json.updates[0]).toMatchObject({
      status: 'investigating',
      notify: false,
      audience: 'public',
      components: [
        {
          component_id: h.ids.api,
          name: 'API',
          old_status: 'operational',
          new_status: 'partial_outage',
        },
      ],
    });
    // SEV-3 promises the next public update within the hour.
    expect(Date.parse(json.next_update_at) - Date.parse(json.started_at)).toBe(60 * minute);
    expect(await h.componentStatus(h.ids.api)).toBe('partial_outage');
  });

  it('takes the impact from the severity unless a person chose one', async () => {
    const critical = await declare({ severity: 'sev1' });
    expect((await h.request('GET', `/api/v1/incidents/${critical}`)).json.impact).toBe('critical');
    const chosen = await declare({ severity: 'sev1', impact: 'minor' });
    expect((await h.request('GET', `/api/v1/incidents/${chosen}`)).json.impact).toBe('minor');
  });

  it('shows on the public JSON as soon as the write returns', async () => {
    expect((await h.request('GET', '/api/v2/summary.json')).json.incidents).toEqual([]);
    const id = await declare();
    const summary = (await h.request('GET', '/api/v2/summary.json')).json;
    expect(summary.incidents.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(summary.status.indicator).toBe('major');
  });
});

describe('the timeline', () => {
  it('moves through identified and monitoring, and resolving brings components back', async () => {
    const id = await declare({
      components: { [h.ids.api]: 'major_outage', [h.ids.auth]: 'degraded_performance' },
    });
    expect((await update(id, { status: 'identified', body: 'A bad deploy.' })).status).toBe(201);
    expect((await update(id, { status: 'monitoring', body: 'Rolled back.' })).status).toBe(201);
    expect(await h.componentStatus(h.ids.api)).toBe('major_outage');
    expect((await update(id, { status: 'resolved', body: 'All good.' })).status).toBe(201);
    const { json } = await h.request('GET', `/api/v1/incidents/${id}`);
    expect(json.status).toBe('resolved');
    expect(json.updates.map((u: { status: string }) => u.status)).toEqual([
      'resolved',
      'monitoring',
      'identified',
      'investigating',
    ]);
    expect(json.monitoring_at).not.toBeNull();
    expect(json.resolved_at).not.toBeNull();
    expect(json.next_update_at).toBeNull();
    expect(json.updates[0].components).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ component_id: h.ids.api, new_status: 'operational' }),
        expect.objectContaining({ component_id: h.ids.auth, new_status: 'operational' }),
      ]),
    );
    expect(await h.componentStatus(h.ids.api)).toBe('operational');
    expect(await h.componentStatus(h.ids.auth)).toBe('operational');
  });

  it('keeps the status a resolving update names', async () => {
    const id = await declare();
    await update(id, {
      status: 'resolved',
      body: 'Mostly fixed.',
      components: { [h.ids.api]: 'degraded_performance' },
    });
    expect(await h.componentStatus(h.ids.api)).toBe('degraded_performance');
  });

  it('leaves a component that another open incident still holds', async () => {
    const first = await declare();
    await declare({ title: 'Second problem' });
    await update(first, { status: 'resolved', body: 'First one fixed.' });
    expect(await h.componentStatus(h.ids.api)).toBe('partial_outage');
  });

  it('refuses to move a resolved incident back (409)', async () => {
    const id = await declare();
    await update(id, { status: 'resolved', body: 'Done.' });
    const { status, json } = await update(id, { status: 'investigating', body: 'Again?' });
    expect(status).toBe(409);
    expect(json.errors[0].field).toBe('status');
    expect((await update(id, { status: 'resolved', body: 'A follow-up.' })).status).toBe(201);
  });

  it('takes an internal note on a public incident without changing what the public sees', async () => {
    const id = await declare({ severity: 'sev2' });
    const before = (await h.request('GET', `/api/v1/incidents/${id}`)).json;
    const note = await update(id, {
      status: 'investigating',
      body: 'INTERNAL: db01 at 100% CPU',
      audience: 'internal',
    });
    expect(note.status).toBe(201);
    const after = (await h.request('GET', `/api/v1/incidents/${id}`)).json;
    expect(after.updates).toHaveLength(2);
    expect(after.next_update_at).toBe(before.next_update_at);
    const summary = (await h.request('GET', '/api/v2/summary.json')).text;
    expect(summary).not.toContain('db01');
    const single = (await h.request('GET', `/api/v2/incidents/${id}.json`)).json;
    expect(single.incident.incident_updates).toHaveLength(1);
  });

  it.each([
    [{ status: 'identified', body: 'x', audience: 'internal' }, 'status'],
    [
      {
        status: 'investigating',
        body: 'x',
        audience: 'internal',
        components: { API: 'major_outage' },
      },
      'components',
    ],
  ])('refuses an internal note that would change the public incident: %j', async (body, field) => {
    const id = await declare();
    const { status, json } = await update(id, body);
    expect(status).toBe(422);
    expect(json.errors[0].field).toBe(field);
  });
});

describe('errors', () => {
  it('accepts a 255-character title and refuses 256 with 422 naming title', async () => {
    await declare({ title: 't'.repeat(255) });
    const { status, json } = await h.request('POST', '/api/v1/incidents', {
      title: 't'.repeat(256),
      status: 'investigating',
      body: 'x',
    });
    expect(status).toBe(422);
    expect(json.errors).toEqual([expect.objectContaining({ field: 'title' })]);
  });

  it('answers 400 for malformed JSON', async () => {
    const { status, headers } = await h.request('POST', '/api/v1/incidents', '{"title": ');
    expect(status).toBe(400);
    expect(headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers 413 for a body over 1 MiB, and stores nothing', async () => {
    const { status } = await h.request('POST', '/api/v1/incidents', {
      title: 'Huge',
      status: 'investigating',
      body: 'x'.repeat(1024 * 1024 + 10),
    });
    expect(status).toBe(413);
    expect(await h.db.select().from(incidents)).toHaveLength(0);
  });

  it('answers 404 for unknown incidents on every route', async () => {
    expect((await h.request('GET', '/api/v1/incidents/unknown00000')).status).toBe(404);
    expect(
      (await h.request('PATCH', '/api/v1/incidents/unknown00000', { title: 'x' })).status,
    ).toBe(404);
    expect((await update('unknown00000', { status: 'resolved', body: 'x' })).status).toBe(404);
  });

  it('refuses an unknown component, naming it, and writes nothing at all', async () => {
    const { status, json } = await h.request('POST', '/api/v1/incidents', {
      title: 'Half',
      status: 'investigating',
      body: 'x',
      components: { [h.ids.api]: 'major_outage', nosuchcompon: 'major_outage' },
    });
    expect(status).toBe(422);
    expect(json.errors[0].field).toBe('components.nosuchcompon');
    expect(await h.db.select().from(incidents)).toHaveLength(0);
    expect(await h.componentStatus(h.ids.api)).toBe('operational');
  });

  it('refuses an internal incident that would change a public component', async () => {
    const { status, json } = await h.request('POST', '/api/v1/incidents', {
      title: 'Internal',
      status: 'investigating',
      body: 'x',
      audience: 'internal',
      components: { [h.ids.api]: 'major_outage' },
    });
    expect(status).toBe(422);
    expect(json.errors[0].field).toBe(`components.${h.ids.api}`);
    const internal = await declare({
      audience: 'internal',
      components: { [h.ids.deploys]: 'major_outage' },
    });
    expect(internal).toBeTruthy();
    expect(await h.componentStatus(h.ids.deploys)).toBe('major_outage');
  });

  it('refuses a next update promised in the past', async () => {
    const { status, json } = await h.request('POST', '/api/v1/incidents', {
      title: 'Late',
      status: 'investigating',
      body: 'x',
      next_update_at: new Date(h.clock.now().getTime() - minute).toISOString(),
    });
    expect(status).toBe(422);
    expect(json.errors[0].field).toBe('next_update_at');
  });

  it('refuses to change the status through PATCH, naming the field', async () => {
    const id = await declare();
    const { status, json } = await h.request('PATCH', `/api/v1/incidents/${id}`, {
      status: 'resolved',
    });
    expect(status).toBe(422);
    expect(json.errors[0].field).toBe('status');
  });
});

describe('PATCH /api/v1/incidents/:id', () => {
  it('edits fields; a new severity carries the impact until one is chosen', async () => {
    const id = await declare();
    let json = (
      await h.request('PATCH', `/api/v1/incidents/${id}`, {
        severity: 'sev1',
        title: 'Full outage',
      })
    ).json;
    expect(json).toMatchObject({ severity: 'sev1', impact: 'critical', title: 'Full outage' });
    json = (await h.request('PATCH', `/api/v1/incidents/${id}`, { impact: 'major' })).json;
    json = (await h.request('PATCH', `/api/v1/incidents/${id}`, { severity: 'sev4' })).json;
    expect(json).toMatchObject({ severity: 'sev4', impact: 'major' });
  });
});

describe('GET /api/v1/incidents', () => {
  it('filters by status, audience and start', async () => {
    const open = await declare();
    h.clock.advance(10 * minute);
    const internal = await declare({ audience: 'internal', components: {} });
    h.clock.advance(minute);
    const closed = await declare({ components: {} });
    await update(closed, { status: 'resolved', body: 'Done.' });
    const ids = async (query: string) =>
      (await h.request('GET', `/api/v1/incidents${query}`)).json.map((i: { id: string }) => i.id);
    expect(await ids('')).toEqual([closed, internal, open]);
    expect(await ids('?status=unresolved')).toEqual([internal, open]);
    expect(await ids('?status=resolved')).toEqual([closed]);
    expect(await ids('?audience=internal')).toEqual([internal]);
    expect(
      await ids(
        `?since=${encodeURIComponent(new Date(h.clock.now().getTime() - 5 * minute).toISOString())}`,
      ),
    ).toEqual([closed, internal]);
    expect((await h.request('GET', '/api/v1/incidents?status=bogus')).status).toBe(422);
  });

  it('lists the incidents whose promised update has passed with overdue=true', async () => {
    // SEV-3 promises the next public update within the hour, SEV-1 within 15 minutes.
    const slow = await declare({ severity: 'sev3' });
    h.clock.advance(1_000);
    const fast = await declare({ severity: 'sev1', components: {} });
    h.clock.advance(1_000);
    const done = await declare({ severity: 'sev1', components: {} });
    await update(done, { status: 'resolved', body: 'Done.' });
    const ids = async (query: string) =>
      (await h.request('GET', `/api/v1/incidents${query}`)).json.map((i: { id: string }) => i.id);
    expect(await ids('?overdue=true')).toEqual([]);
    h.clock.advance(16 * minute);
    expect(await ids('?overdue=true')).toEqual([fast]);
    // An update keeps the promise: it sets the next one.
    await update(fast, { status: 'identified', body: 'Found it.' });
    expect(await ids('?overdue=true')).toEqual([]);
    h.clock.advance(45 * minute);
    expect(await ids('?overdue=true')).toEqual([fast, slow]);
    expect(await ids('?overdue=false')).toEqual([done, fast, slow]);
    const wrong = await h.request('GET', '/api/v1/incidents?overdue=yes');
    expect(wrong.status).toBe(422);
    expect(JSON.stringify(wrong.json)).toContain('overdue');
  });
});

describe('the public "updated" time', () => {
  it('does not move for internal notes or internal fields, so their timing does not leak', async () => {
    const id = await declare({ severity: 'sev2' });
    const updatedAt = async () =>
      (await h.request('GET', `/api/v2/incidents/${id}.json`, undefined, '')).json.incident
        .updated_at;
    const before = await updatedAt();
    await update(id, {
      status: 'investigating',
      body: 'Internal: db01 saturated.',
      audience: 'internal',
    });
    h.clock.advance(minute);
    await h.request('PATCH', `/api/v1/incidents/${id}`, {
      severity: 'sev2',
      incident_commander: 'Dana',
      type: 'infrastructure',
    });
    expect(await updatedAt()).toBe(before);
    h.clock.advance(minute);
    await h.request('PATCH', `/api/v1/incidents/${id}`, { title: 'Renamed in public' });
    expect(await updatedAt()).not.toBe(before);
  });
});
