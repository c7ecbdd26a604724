import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleSession, signInToConsole } from '#tests/support/console-session.ts';
import { apiClient, type StartedServer, startServer } from '#tests/support/server.ts';

// Maintenance from the console through a real server, as a browser without JavaScript uses it:
// schedule after a preview, edit, post an update, start, cancel; a mistake keeps what was typed
// with the error beside its field; viewers read and cannot act.

const bootstrap = 'console-maintenance-bootstrap-0123456789';
let server: StartedServer;
let editor: ConsoleSession;
let viewer: ConsoleSession;
let api: ReturnType<typeof apiClient>;
let component: { id: string; name: string };

beforeAll(async () => {
  server = await startServer({ BOOTSTRAP_TOKEN: bootstrap });
  api = apiClient(() => server.url, bootstrap);
  editor = await signInToConsole(server, 'planner@example.com', 'editor');
  viewer = await signInToConsole(server, 'watcher@example.com', 'viewer');
  const components = (await api('GET', '/api/v1/components')).json as {
    id: string;
    name: string;
    audience: string;
  }[];
  component = components.find((c) => c.audience === 'public') as typeof component;
}, 60_000);
afterAll(() => server?.stop());

// The shipped content's zone is Europe/Berlin: 10:00 there in June is 08:00 UTC.
const schedule = {
  title: 'Database upgrade',
  body: 'The API is **read-only** for up to an hour.',
  scheduled_for: '2030-06-01T10:00',
  scheduled_until: '2030-06-01T11:00',
  audience: 'public',
  auto_transition: 'on',
  notify: 'on',
};
const fingerprintOf = (html: string) => html.match(/name="previewed" value="([0-9a-f]+)"/)?.[1];
const idFrom = (response: Response) => {
  const location = response.headers.get('location') ?? '';
  expect(location).toMatch(/^\/admin\/maintenance\/\w+\?done=/);
  return location.split('/')[3]?.split('?')[0] as string;
};

/** Schedules through the form: a preview, then Schedule with the preview's fingerprint. */
async function scheduleThroughForm(fields: Record<string, string> = {}): Promise<string> {
  const form = { ...schedule, components: [component.id], ...fields };
  const preview = await editor.post('/admin/maintenance/new', { ...form, intent: 'preview' });
  expect(preview.status).toBe(200);
  const fingerprint = fingerprintOf(await preview.text());
  expect(fingerprint).toBeDefined();
  const scheduled = await editor.post('/admin/maintenance/new', {
    ...form,
    intent: 'schedule',
    previewed: fingerprint as string,
  });
  expect(scheduled.status).toBe(303);
  return idFrom(scheduled);
}

const publicList = async () =>
  (
    (await api('GET', '/api/v2/scheduled-maintenances.json')).json.scheduled_maintenances as {
      id: string;
    }[]
  ).map((m) => m.id);

describe('maintenance in the console', () => {
  it('keeps what was typed and shows the error beside the end when it ends before it starts', async () => {
    const response = await editor.post('/admin/maintenance/new', {
      ...schedule,
      title: 'Typed title that must survive',
      scheduled_until: '2030-06-01T09:00',
      components: [component.id],
      intent: 'preview',
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('value="Typed title that must survive"');
    expect(html).toContain('value="2030-06-01T10:00"');
    expect(html).toContain('value="2030-06-01T09:00"');
    expect(html).toContain('The API is **read-only** for up to an hour.');
    expect(html).toMatch(
      /id="scheduled_until"[^>]*aria-describedby="scheduled_until-error"[^>]*>\s*<p class="field-error" id="scheduled_until-error">The window must end after it starts\./,
    );
    expect(html).toMatch(new RegExp(`value="${component.id}" checked`));
    expect(html).not.toContain('name="previewed"');
  });

  it('previews what the public page will show, then schedules only what was previewed', async () => {
    const preview = await editor.post('/admin/maintenance/new', {
      ...schedule,
      components: [component.id],
      intent: 'preview',
    });
    const html = await preview.text();
    expect(html).toContain('<h2 id="preview">Preview</h2>');
    expect(html).toContain('<strong>read-only</strong>');
    expect(html).toContain('Jun 1, 2030, 10:00 – 11:00 GMT+2');
    expect(html).toContain(component.name);
    // The email, as the sender will compose it.
    expect(html).toMatch(/Subject:<\/strong> \[[^\]]+\] Database upgrade — Scheduled/);
    expect(html).toContain(`${component.name} (Operational)`);
    // Changed after the preview: a new preview, nothing scheduled.
    const changed = await editor.post('/admin/maintenance/new', {
      ...schedule,
      title: 'Changed after preview',
      components: [component.id],
      intent: 'schedule',
      previewed: fingerprintOf(html) as string,
    });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('The form changed after the preview');
    expect(await publicList()).toEqual([]);

    const id = await scheduleThroughForm();
    const maintenance = (await api('GET', `/api/v1/maintenances/${id}`)).json;
    expect(maintenance).toMatchObject({
      title: 'Database upgrade',
      status: 'scheduled',
      scheduled_for: '2030-06-01T08:00:00.000Z',
      scheduled_until: '2030-06-01T09:00:00.000Z',
      audience: 'public',
      auto_transition: true,
      components: [component.id],
    });
    expect(maintenance.updates[0].notify).toBe(true);
    expect(await publicList()).toEqual([id]);
    const page = await (await editor.get(`/admin/maintenance/${id}`)).text();
    expect(page).toContain('<strong>read-only</strong>');
    expect(await (await editor.get('/admin/maintenance')).text()).toContain(
      `href="/admin/maintenance/${id}"`,
    );
  });

  it('edits, posts an update, and keeps the typed values when an edit is refused', async () => {
    const id = await scheduleThroughForm({ title: 'Network maintenance' });
    const refused = await editor.post(`/admin/maintenance/${id}`, {
      form: 'edit',
      title: 'Edited title kept on error',
      scheduled_for: '2030-06-02T10:00',
      scheduled_until: '2030-06-02T08:00',
      components: [component.id],
    });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('value="Edited title kept on error"');
    expect(html).toContain('id="scheduled_until-error">The window must end after it starts.');

    const edited = await editor.post(`/admin/maintenance/${id}`, {
      form: 'edit',
      title: 'Network maintenance, moved',
      scheduled_for: '2030-06-02T22:00',
      scheduled_until: '2030-06-03T01:00',
    });
    expect(edited.status).toBe(303);
    const maintenance = (await api('GET', `/api/v1/maintenances/${id}`)).json;
    expect(maintenance).toMatchObject({
      title: 'Network maintenance, moved',
      scheduled_for: '2030-06-02T20:00:00.000Z',
      scheduled_until: '2030-06-02T23:00:00.000Z',
      auto_transition: false,
      components: [],
    });

    const updated = await editor.post(`/admin/maintenance/${id}`, {
      form: 'update',
      status: 'scheduled',
      body: 'Moved to the night, when traffic is lowest.',
      notify: 'on',
    });
    expect(updated.status).toBe(303);
    const updates = (await api('GET', `/api/v1/maintenances/${id}`)).json.updates as {
      body: string;
      status: string;
    }[];
    expect(updates[0]).toMatchObject({
      status: 'scheduled',
      body: 'Moved to the night, when traffic is lowest.',
    });
  });

  it('keeps a start given to the second by the API when the form leaves it as it was', async () => {
    const created = await api('POST', '/api/v1/maintenances', {
      title: 'From automation',
      body: 'Scheduled by a script.',
      scheduled_for: '2030-07-01T08:00:30Z',
      scheduled_until: '2030-07-01T09:00:30Z',
      components: [],
    });
    expect(created.status, created.text).toBe(201);
    const id = created.json.id as string;
    const page = await (await editor.get(`/admin/maintenance/${id}`)).text();
    expect(page).toContain('name="scheduled_for" type="datetime-local" value="2030-07-01T10:00"');
    const saved = await editor.post(`/admin/maintenance/${id}`, {
      form: 'edit',
      title: 'From automation, renamed',
      scheduled_for: '2030-07-01T10:00',
      scheduled_until: '2030-07-01T11:30',
      auto_transition: 'on',
    });
    expect(saved.status).toBe(303);
    expect((await api('GET', `/api/v1/maintenances/${id}`)).json).toMatchObject({
      title: 'From automation, renamed',
      scheduled_for: '2030-07-01T08:00:30.000Z',
      scheduled_until: '2030-07-01T09:30:00.000Z',
    });
  });

  it('starts one by hand and completes it', async () => {
    const id = await scheduleThroughForm({ title: 'Started by hand' });
    const page = await (await editor.get(`/admin/maintenance/${id}`)).text();
    expect(page).toContain('value="in_progress">Start now</button>');
    expect(page).not.toContain('value="completed">Complete now</button>');
    expect(
      (await editor.post(`/admin/maintenance/${id}`, { form: 'move', status: 'in_progress' }))
        .status,
    ).toBe(303);
    expect((await api('GET', `/api/v1/components/${component.id}`)).json.status).toBe(
      'under_maintenance',
    );
    const running = await (await editor.get(`/admin/maintenance/${id}`)).text();
    expect(running).toContain('Components cannot change while it runs.');
    expect(running).not.toContain('id="cancel"');
    expect(
      (await editor.post(`/admin/maintenance/${id}`, { form: 'move', status: 'completed' })).status,
    ).toBe(303);
    expect((await api('GET', `/api/v1/maintenances/${id}`)).json.status).toBe('completed');
    expect((await api('GET', `/api/v1/components/${component.id}`)).json.status).toBe(
      'operational',
    );
    const refused = await editor.post(`/admin/maintenance/${id}`, {
      form: 'move',
      status: 'in_progress',
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain(
      'role="alert">A maintenance cannot go from completed to in_progress.',
    );
  });

  it('cancels one: it leaves the public lists and says why', async () => {
    const id = await scheduleThroughForm({ title: 'Called off' });
    expect(await publicList()).toContain(id);
    const page = await (await editor.get(`/admin/maintenance/${id}`)).text();
    expect(page).toContain('told it is cancelled');
    const cancelled = await editor.post(`/admin/maintenance/${id}`, {
      form: 'cancel',
      body: 'Postponed to next quarter.',
    });
    expect(cancelled.status).toBe(303);
    const maintenance = (await api('GET', `/api/v1/maintenances/${id}`)).json;
    expect(maintenance.status).toBe('cancelled');
    expect(maintenance.updates[0]).toMatchObject({
      status: 'cancelled',
      body: 'Postponed to next quarter.',
    });
    expect(await publicList()).not.toContain(id);
    // Gone from the page and the feed; its own page, where emailed links lead, says why.
    const front = await (await fetch(`${server.url}/`)).text();
    expect(front).not.toContain('Called off');
    expect(await (await fetch(`${server.url}/history.atom`)).text()).not.toContain('Called off');
    const own = await fetch(`${server.url}/maintenance/${id}`);
    expect(own.status).toBe(200);
    const ownText = await own.text();
    expect(ownText).toContain('Cancelled');
    expect(ownText).toContain('Postponed to next quarter.');
    const after = await (await editor.get(`/admin/maintenance/${id}`)).text();
    expect(after).not.toContain('id="cancel"');
    const list = await (await editor.get('/admin/maintenance')).text();
    expect(list.indexOf(`/admin/maintenance/${id}"`)).toBeGreaterThan(
      list.indexOf('Completed and cancelled'),
    );
    // Only a scheduled maintenance can be cancelled.
    const again = await editor.post(`/admin/maintenance/${id}`, { form: 'cancel', body: '' });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain(
      'Only a maintenance that has not begun can be cancelled; this one is cancelled.',
    );
  });

  it('is read-only for viewers: no forms, and a form they send is refused', async () => {
    const id = await scheduleThroughForm({ title: 'Viewer cannot touch this' });
    for (const path of [
      '/admin/maintenance',
      '/admin/maintenance/new',
      `/admin/maintenance/${id}`,
    ]) {
      const page = await viewer.get(path);
      expect(page.status, path).toBe(200);
      const html = await page.text();
      expect(html).toContain('read-only');
      expect(html, path).not.toContain('method="post" class="card form"');
      expect(html, path).not.toContain('name="form"');
      const refused = await viewer.post(path, { form: 'cancel', body: 'x' });
      expect(refused.status, path).toBe(403);
    }
    expect((await api('GET', `/api/v1/maintenances/${id}`)).json.status).toBe('scheduled');
  });
});
