import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, notifications } from '#db/schema/index.ts';
import { loadInternalIncident, loadInternalStatus } from '#services/read/load-internal.ts';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

// Issue 7's management API: corrections, reopening, deleting, postmortems, action items and
// cancelled maintenance, each checked where the public and subscribers meet it.

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

const minute = 60_000;
const hour = 60 * minute;

async function declare(extra: Record<string, unknown> = {}) {
  const response = await h.request('POST', '/api/v1/incidents', {
    title: 'Checkout errors',
    status: 'investigating',
    body: 'We are looking into failed checkouts.',
    severity: 'sev2',
    components: { [h.ids.api]: 'major_outage' },
    ...extra,
  });
  expect(response.status, response.text).toBe(201);
  return response.json.id as string;
}

async function resolve(id: string) {
  h.clock.advance(10 * minute);
  const response = await h.request('POST', `/api/v1/incidents/${id}/updates`, {
    status: 'resolved',
    body: 'Checkouts work again.',
  });
  expect(response.status, response.text).toBe(201);
}

const auditActions = async (entityId: string) =>
  (await h.db.select().from(auditLog).where(eq(auditLog.entityId, entityId))).map((r) => r.action);
const feed = async () => (await h.app.request('/history.atom')).text();

describe('PUT /api/v1/incidents/:id/postmortem', () => {
  const review = {
    public_body: '## Summary\n\nA bad deploy broke checkout for **40 minutes**. We are sorry.',
    internal_body: 'Root cause: the canary skipped region eu-2. Owner: payments team.',
  };

  it('keeps a draft inside, publishes the public part to the feed, and unpublishes', async () => {
    const id = await declare();
    const draft = await h.request('PUT', `/api/v1/incidents/${id}/postmortem`, {
      ...review,
      published: false,
    });
    expect(draft.status, draft.text).toBe(200);
    expect(draft.json).toMatchObject({ incident_id: id, published: false, published_at: null });
    // An open incident's review is a draft: publishing waits for the resolution.
    const early = await h.request('PUT', `/api/v1/incidents/${id}/postmortem`, {
      ...review,
      published: true,
    });
    expect(early.status).toBe(409);
    await resolve(id);
    expect(await feed()).not.toContain('Postmortem');

    const published = await h.request('PUT', `/api/v1/incidents/${id}/postmortem`, {
      ...review,
      published: true,
    });
    expect(published.status, published.text).toBe(200);
    expect(published.json.published_at).toBe(h.clock.now().toISOString());
    const text = await feed();
    expect(text).toContain('Postmortem');
    expect(text).toContain('A bad deploy broke checkout');
    expect(text).not.toContain('eu-2');
    expect((await h.request('GET', `/api/v1/incidents/${id}/postmortem`)).json.internal_body).toBe(
      review.internal_body,
    );

    const unpublished = await h.request('PUT', `/api/v1/incidents/${id}/postmortem`, {
      ...review,
      published: false,
    });
    expect(unpublished.json.published).toBe(false);
    expect(await feed()).not.toContain('A bad deploy broke checkout');
    expect(await auditActions(id)).toEqual(
      expect.arrayContaining([
        'postmortem.saved',
        'postmortem.published',
        'postmortem.unpublished',
      ]),
    );
  });

  it('refuses to publish a public incident’s postmortem with a blank public part', async () => {
    const id = await declare();
    await resolve(id);
    const blank = await h.request('PUT', `/api/v1/incidents/${id}/postmortem`, {
      ...review,
      public_body: '  \n ',
      published: true,
    });
    expect(blank.status).toBe(422);
    expect(blank.json.errors).toEqual([expect.objectContaining({ field: 'public_body' })]);
    // Nothing was stored: the review is still to be written.
    expect((await h.request('GET', `/api/v1/incidents/${id}/postmortem`)).status).toBe(404);
    const draft = await h.request('PUT', `/api/v1/incidents/${id}/postmortem`, {
      ...review,
      public_body: '',
      published: false,
    });
    expect(draft.status, draft.text).toBe(200);
  });

  it('goes back to draft when its incident is reopened, its text kept', async () => {
    const id = await declare();
    await resolve(id);
    await h.request('PUT', `/api/v1/incidents/${id}/postmortem`, { ...review, published: true });
    expect(await feed()).toContain('A bad deploy broke checkout');
    const reopened = await h.request('POST', `/api/v1/incidents/${id}/reopen`, {
      body: 'Checkouts fail again.',
    });
    expect(reopened.status, reopened.text).toBe(201);
    const after = (await h.request('GET', `/api/v1/incidents/${id}/postmortem`)).json;
    expect(after).toMatchObject({ published: false, public_body: review.public_body });
    expect(await feed()).not.toContain('A bad deploy broke checkout');
    expect(await auditActions(id)).toContain('postmortem.unpublished');
  });

  it('ends the review on the internal pages once published: due, overdue, then done', async () => {
    const id = await declare(); // SEV-2: the review is due three days after the resolution
    await resolve(id);
    const reviewStates = async () => ({
      list: (await loadInternalStatus(h.db, h.clock.now())).resolved.find((i) => i.id === id)
        ?.review.state,
      page: (await loadInternalIncident(h.db, id, h.clock.now()))?.review.state,
    });
    expect(await reviewStates()).toEqual({ list: 'due', page: 'due' });
    h.clock.advance(4 * 24 * hour);
    expect(await reviewStates()).toEqual({ list: 'overdue', page: 'overdue' });
    await h.request('PUT', `/api/v1/incidents/${id}/postmortem`, { ...review, published: true });
    expect(await reviewStates()).toEqual({ list: 'done', page: 'done' });
  });

  it('names the missing field, and 404s for an unknown incident', async () => {
    const id = await declare();
    const missing = await h.request('PUT', `/api/v1/incidents/${id}/postmortem`, review);
    expect(missing.status).toBe(422);
    expect(missing.json.errors).toEqual([expect.objectContaining({ field: 'published' })]);
    const unknown = await h.request('PUT', '/api/v1/incidents/nope/postmortem', {
      ...review,
      published: false,
    });
    expect(unknown.status).toBe(404);
    expect((await h.request('GET', `/api/v1/incidents/${id}/postmortem`)).status).toBe(404);
  });
});

describe('action items', () => {
  it('are added open, moved to done with how it was verified, and listed when overdue', async () => {
    const id = await declare();
    const add = (title: string, due: number | null) =>
      h.request('POST', `/api/v1/incidents/${id}/action-items`, {
        title,
        owner: 'Payments team',
        priority: 'high',
        due_at: due === null ? null : new Date(h.clock.now().getTime() + due).toISOString(),
      });
    const first = await add('Canary every region', 2 * hour);
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ status: 'open', owner: 'Payments team', closed_at: null });
    const second = await add('Alert on checkout error rate', 24 * hour);
    await add('Write the runbook', null);

    h.clock.advance(3 * hour);
    const overdue = await h.request('GET', '/api/v1/action-items?overdue=true');
    expect(overdue.json.map((item: { id: string }) => item.id)).toEqual([first.json.id]);
    // A status narrows the overdue ones; a finished status cannot be overdue, and says so.
    const inProgress = await h.request(
      'GET',
      '/api/v1/action-items?overdue=true&status=in_progress',
    );
    expect(inProgress.json).toEqual([]);
    const finished = await h.request('GET', '/api/v1/action-items?overdue=true&status=done');
    expect(finished.status).toBe(422);
    expect(finished.json.errors).toEqual([expect.objectContaining({ field: 'status' })]);

    const done = await h.request('PATCH', `/api/v1/action-items/${first.json.id}`, {
      status: 'done',
      verification: 'Deploy log shows the canary in all 6 regions.',
    });
    expect(done.status, done.text).toBe(200);
    expect(done.json).toMatchObject({
      status: 'done',
      verification: 'Deploy log shows the canary in all 6 regions.',
      closed_at: h.clock.now().toISOString(),
    });
    expect((await h.request('GET', '/api/v1/action-items?overdue=true')).json).toEqual([]);
    const listed = await h.request('GET', `/api/v1/incidents/${id}/action-items`);
    expect(listed.json.map((item: { id: string }) => item.id)).toEqual([
      first.json.id,
      second.json.id,
      expect.any(String),
    ]);
    expect(await auditActions(first.json.id)).toEqual([
      'action_item.created',
      'action_item.updated',
    ]);
  });

  it('refuses an unknown priority or status, naming the field', async () => {
    const id = await declare();
    const bad = await h.request('POST', `/api/v1/incidents/${id}/action-items`, {
      title: 'x',
      owner: 'y',
      priority: 'urgent',
    });
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0].field).toBe('priority');
    const item = await h.request('POST', `/api/v1/incidents/${id}/action-items`, {
      title: 'x',
      owner: 'y',
      priority: 'low',
    });
    const wrong = await h.request('PATCH', `/api/v1/action-items/${item.json.id}`, {
      status: 'finished',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.json.errors[0].field).toBe('status');
  });
});

describe('PATCH /api/v1/incidents/:id/updates/:updateId', () => {
  it('corrects the text, marks it edited and keeps the earlier text in the audit log', async () => {
    const id = await declare({ body: 'Checkuot is failing.' });
    const incident = (await h.request('GET', `/api/v1/incidents/${id}`)).json;
    const updateId = incident.updates[0].id;
    h.clock.advance(minute);
    const fixed = await h.request('PATCH', `/api/v1/incidents/${id}/updates/${updateId}`, {
      body: 'Checkout is failing.',
    });
    expect(fixed.status, fixed.text).toBe(200);
    expect(fixed.json).toMatchObject({
      id: updateId,
      body: 'Checkout is failing.',
      edited_at: h.clock.now().toISOString(),
    });
    const v2 = (await h.request('GET', '/api/v2/incidents.json')).json;
    expect(v2.incidents[0].incident_updates[0].body).toBe('Checkout is failing.');
    const [entry] = await h.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'incident.update_corrected'));
    expect(entry?.detail).toMatchObject({
      before: 'Checkuot is failing.',
      after: 'Checkout is failing.',
    });
  });

  it('404s for an update of another incident, and 422s for an empty text', async () => {
    const one = await declare();
    const other = await declare({ title: 'Other' });
    const otherUpdate = (await h.request('GET', `/api/v1/incidents/${other}`)).json.updates[0].id;
    const wrong = await h.request('PATCH', `/api/v1/incidents/${one}/updates/${otherUpdate}`, {
      body: 'x',
    });
    expect(wrong.status).toBe(404);
    const empty = await h.request('PATCH', `/api/v1/incidents/${other}/updates/${otherUpdate}`, {
      body: '  ',
    });
    expect(empty.status).toBe(422);
    expect(empty.json.errors[0].field).toBe('body');
  });
});

describe('reopening and deleting', () => {
  it('reopens a resolved incident with a new update, and refuses to reopen an open one', async () => {
    const id = await declare();
    const notYet = await h.request('POST', `/api/v1/incidents/${id}/reopen`, { body: 'Again.' });
    expect(notYet.status).toBe(409);
    await resolve(id);
    expect(await h.componentStatus(h.ids.api)).toBe('operational');
    h.clock.advance(minute);
    const reopened = await h.request('POST', `/api/v1/incidents/${id}/reopen`, {
      body: 'Errors are back; we are investigating again.',
      components: { [h.ids.api]: 'partial_outage' },
    });
    expect(reopened.status, reopened.text).toBe(201);
    const incident = (await h.request('GET', `/api/v1/incidents/${id}`)).json;
    expect(incident).toMatchObject({ status: 'investigating', resolved_at: null });
    // SEV-2's cadence promises the next update in 30 minutes again.
    expect(Date.parse(incident.next_update_at) - h.clock.now().getTime()).toBe(30 * minute);
    expect(await h.componentStatus(h.ids.api)).toBe('partial_outage');
    expect(await auditActions(id)).toContain('incident.reopened');
  });

  it('deletes an incident declared by mistake, freeing its components', async () => {
    const id = await declare();
    expect(await h.componentStatus(h.ids.api)).toBe('major_outage');
    const deleted = await h.request('DELETE', `/api/v1/incidents/${id}`);
    expect(deleted.status).toBe(204);
    expect(await h.componentStatus(h.ids.api)).toBe('operational');
    expect((await h.request('GET', `/api/v1/incidents/${id}`)).status).toBe(404);
    const v2 = (await h.request('GET', '/api/v2/incidents.json')).json;
    expect(v2.incidents).toEqual([]);
    expect((await h.request('GET', '/api/v2/status.json')).json.status.indicator).toBe('none');
    expect(await auditActions(id)).toContain('incident.deleted');
  });
});

describe('cancelling a maintenance', () => {
  it('takes it off the public lists and tells only the subscribers who heard of it', async () => {
    await h.request('POST', '/api/v1/subscribers', [
      { email: 'told@example.com', confirmed: true },
      { email: 'auth-only@example.com', components: [h.ids.auth], confirmed: true },
    ]);
    const start = h.clock.now().getTime() + 24 * hour;
    const scheduled = await h.request('POST', '/api/v1/maintenances', {
      title: 'Database upgrade',
      body: 'We will upgrade the primary database.',
      scheduled_for: new Date(start).toISOString(),
      scheduled_until: new Date(start + 2 * hour).toISOString(),
      components: [h.ids.api],
      notify: true,
    });
    expect(scheduled.status, scheduled.text).toBe(201);
    const id = scheduled.json.id as string;
    const queued = async () =>
      (await h.db.select().from(notifications)).filter((n) => n.kind === 'maintenance_update')
        .length;
    expect(await queued()).toBe(1);
    // Someone who subscribes later never heard of it, so is not told it is off.
    await h.request('POST', '/api/v1/subscribers', { email: 'late@example.com', confirmed: true });
    const upcoming = async () =>
      (await h.request('GET', '/api/v2/scheduled-maintenances/upcoming.json')).json
        .scheduled_maintenances.length;
    expect(await upcoming()).toBe(1);

    const cancelled = await h.request('PATCH', `/api/v1/maintenances/${id}`, {
      status: 'cancelled',
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json.cancelled_at).toBe(h.clock.now().toISOString());
    expect(await upcoming()).toBe(0);
    const all = (await h.request('GET', '/api/v2/scheduled-maintenances.json')).json;
    expect(all.scheduled_maintenances).toEqual([]);
    expect(await feed()).not.toContain('Database upgrade');
    expect(await queued()).toBe(2);

    // A second cancel, or cancelling one that runs, is refused in words.
    const twice = await h.request('PATCH', `/api/v1/maintenances/${id}`, { status: 'cancelled' });
    expect(twice.status).toBe(409);
    expect(twice.json.detail).toBe(
      'Only a maintenance that has not begun can be cancelled; this one is cancelled.',
    );
    // Nothing runs later: the scheduler leaves a cancelled maintenance alone.
    const again = await h.request('PATCH', `/api/v1/maintenances/${id}`, { status: 'in_progress' });
    expect(again.status).toBe(409);
    // Its own page stays, where emailed links lead: its wording may still be mended.
    const retitled = await h.request('PATCH', `/api/v1/maintenances/${id}`, {
      title: 'Database upgrade (called off)',
    });
    expect(retitled.status, retitled.text).toBe(200);
    expect(retitled.json).toMatchObject({
      status: 'cancelled',
      title: 'Database upgrade (called off)',
    });
  });
});
