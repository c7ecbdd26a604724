import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

const hour = 3_600_000;

async function schedule(extra: Record<string, unknown> = {}) {
  const start = h.clock.now().getTime() + 24 * hour;
  const response = await h.request('POST', '/api/v1/maintenances', {
    title: 'Database upgrade',
    body: 'We will upgrade the primary database.',
    scheduled_for: new Date(start).toISOString(),
    scheduled_until: new Date(start + 2 * hour).toISOString(),
    components: [h.ids.api, h.ids.auth],
    ...extra,
  });
  expect(response.status, response.text).toBe(201);
  return response.json.id as string;
}

describe('maintenance', () => {
  it('is scheduled, then shows on the upcoming list', async () => {
    const id = await schedule();
    const { json } = await h.request('GET', `/api/v1/maintenances/${id}`);
    expect(json).toMatchObject({ status: 'scheduled', auto_transition: true });
    expect([...json.components].sort()).toEqual([h.ids.api, h.ids.auth].sort());
    const upcoming = (await h.request('GET', '/api/v2/scheduled-maintenances/upcoming.json')).json;
    expect(upcoming.scheduled_maintenances.map((m: { id: string }) => m.id)).toEqual([id]);
  });

  it('puts its components under maintenance while it runs and gives back their prior status', async () => {
    await h.request('PATCH', `/api/v1/components/${h.ids.auth}`, {
      status: 'degraded_performance',
    });
    const id = await schedule();
    const started = await h.request('PATCH', `/api/v1/maintenances/${id}`, {
      status: 'in_progress',
    });
    expect(started.status).toBe(200);
    expect(started.json.started_at).not.toBeNull();
    expect(await h.componentStatus(h.ids.api)).toBe('under_maintenance');
    expect(await h.componentStatus(h.ids.auth)).toBe('under_maintenance');
    expect((await h.request('GET', '/api/v2/status.json')).json.status.indicator).toBe(
      'maintenance',
    );
    await h.request('PATCH', `/api/v1/maintenances/${id}`, { status: 'verifying' });
    const done = await h.request('PATCH', `/api/v1/maintenances/${id}`, {
      status: 'completed',
      body: 'All done.',
    });
    expect(done.json.updates.map((u: { status: string }) => u.status)).toEqual([
      'completed',
      'verifying',
      'in_progress',
      'scheduled',
    ]);
    expect(done.json.updates[0].body).toBe('All done.');
    expect(await h.componentStatus(h.ids.api)).toBe('operational');
    expect(await h.componentStatus(h.ids.auth)).toBe('degraded_performance');
  });

  it('does not bring back an outage that an incident resolved during the window', async () => {
    const incident = await h.request('POST', '/api/v1/incidents', {
      title: 'API down',
      status: 'investigating',
      body: 'x',
      components: { [h.ids.api]: 'major_outage' },
    });
    const id = await schedule();
    await h.request('PATCH', `/api/v1/maintenances/${id}`, { status: 'in_progress' });
    await h.request('POST', `/api/v1/incidents/${incident.json.id}/updates`, {
      status: 'resolved',
      body: 'Fixed.',
    });
    expect(await h.componentStatus(h.ids.api)).toBe('under_maintenance');
    await h.request('PATCH', `/api/v1/maintenances/${id}`, { status: 'completed' });
    expect(await h.componentStatus(h.ids.api)).toBe('operational');
  });

  it.each([
    [{ scheduled_until: '2026-11-01T00:00:00Z' }, 'scheduled_until'],
    [{ scheduled_for: 'tomorrow' }, 'scheduled_for'],
    [{ components: ['nosuchcompon'] }, 'components.nosuchcompon'],
    [{ title: '' }, 'title'],
  ])('refuses %j naming %s', async (extra, field) => {
    const start = h.clock.now().getTime() + hour;
    const { status, json } = await h.request('POST', '/api/v1/maintenances', {
      title: 'Upgrade',
      body: 'x',
      scheduled_for: new Date(start).toISOString(),
      scheduled_until: new Date(start + hour).toISOString(),
      components: [h.ids.api],
      ...extra,
    });
    expect(status).toBe(422);
    expect(json.errors[0].field).toBe(field);
  });

  it('refuses to go back from completed (409) and answers 404 for unknown ids', async () => {
    const id = await schedule();
    await h.request('PATCH', `/api/v1/maintenances/${id}`, { status: 'completed' });
    expect(
      (await h.request('PATCH', `/api/v1/maintenances/${id}`, { status: 'in_progress' })).status,
    ).toBe(409);
    expect(
      (await h.request('PATCH', '/api/v1/maintenances/nosuchmaint0', { title: 'x' })).status,
    ).toBe(404);
  });
});
