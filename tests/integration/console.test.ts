import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleSession, signInToConsole } from '#tests/support/console-session.ts';
import { apiClient, type StartedServer, startServer } from '#tests/support/server.ts';

// The comms console through a real server, as a browser without JavaScript uses it: forms
// posted with the site's Origin, a session cookie, redirects after success, and the typed text
// and the error beside the field after a mistake.

const bootstrap = 'console-test-bootstrap-token-0123456789';
let server: StartedServer;
let editor: ConsoleSession;
let viewer: ConsoleSession;
let admin: ConsoleSession;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  server = await startServer({ BOOTSTRAP_TOKEN: bootstrap });
  api = apiClient(() => server.url, bootstrap);
  editor = await signInToConsole(server, 'comms@example.com', 'editor');
  viewer = await signInToConsole(server, 'reader@example.com', 'viewer');
  admin = await signInToConsole(server, 'root@example.com', 'admin');
}, 60_000);
afterAll(() => server?.stop());

const declaration = {
  title: 'Card payments failing',
  type: 'outage',
  severity: 'sev2',
  impact: '',
  audience: 'public',
  status: 'investigating',
  template: 'investigating',
  body: 'We are investigating failed card payments. Next update within 30 minutes.',
  next_update_minutes: '',
  notify: 'on',
  incident_commander: 'Ana',
  comms_lead: 'Comms Person',
  technical_lead: '',
};
const fingerprintOf = (html: string) => html.match(/name="previewed" value="([0-9a-f]+)"/)?.[1];

async function declare(fields: Record<string, string> = {}): Promise<string> {
  const preview = await editor.post('/admin/incidents/new', {
    ...declaration,
    ...fields,
    intent: 'preview',
  });
  const fingerprint = fingerprintOf(await preview.text());
  expect(fingerprint).toBeDefined();
  const published = await editor.post('/admin/incidents/new', {
    ...declaration,
    ...fields,
    intent: 'publish',
    previewed: fingerprint as string,
  });
  expect(published.status).toBe(303);
  const location = published.headers.get('location') ?? '';
  expect(location).toMatch(/^\/admin\/incidents\/\w+\?done=/);
  return location.split('/')[3]?.split('?')[0] as string;
}

describe('the console', () => {
  it('sends people who are not signed in to sign in, and is never cached', async () => {
    const response = await fetch(`${server.url}/admin`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Fadmin');
    const signedIn = await editor.get('/admin');
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('cache-control')).toBe('private, no-store');
  });

  it('keeps what was typed and names the field when declaring fails', async () => {
    const response = await editor.post('/admin/incidents/new', {
      ...declaration,
      title: '  ',
      body: 'Typed words that must survive',
      next_update_minutes: '5000',
      intent: 'preview',
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Typed words that must survive');
    expect(html).toMatch(/id="title-error">Write a title/);
    expect(html).toMatch(/id="next_update_minutes-error">Give whole minutes/);
    expect(html).not.toContain('name="previewed"');
  });

  it('shows a refusal of the service beside the field it concerns, nothing published', async () => {
    const components = (await api('GET', '/api/v1/components')).json;
    const publicOne = components.find((c: { audience: string }) => c.audience === 'public');
    const fields = {
      ...declaration,
      title: 'Internal trouble on a public component',
      audience: 'internal',
      [`component:${publicOne.id}`]: 'major_outage',
    };
    const preview = await editor.post('/admin/incidents/new', { ...fields, intent: 'preview' });
    const published = await editor.post('/admin/incidents/new', {
      ...fields,
      intent: 'publish',
      previewed: fingerprintOf(await preview.text()) as string,
    });
    expect(published.status).toBe(422);
    const html = await published.text();
    expect(html).toMatch(/id="components-error">Component [^<]+ is public/);
    expect(html).toContain('value="Internal trouble on a public component"');
    const titles = (await api('GET', '/api/v1/incidents')).json.map(
      (i: { title: string }) => i.title,
    );
    expect(titles).not.toContain('Internal trouble on a public component');
    // An internal incident's page offers only what it may change: internal components.
    const internalOne = components.find((c: { audience: string }) => c.audience === 'internal');
    const internalId = await declare({
      title: 'Internal trouble',
      audience: 'internal',
      [`component:${internalOne.id}`]: 'degraded_performance',
    });
    const internalPage = await (await editor.get(`/admin/incidents/${internalId}`)).text();
    expect(internalPage).toContain(`name="component:${internalOne.id}"`);
    expect(internalPage).not.toContain(`name="component:${publicOne.id}"`);
    expect((await api('DELETE', `/api/v1/incidents/${internalId}`)).status).toBe(204);
  });

  it('previews exactly what the page and the email will say, then publishes only what was previewed', async () => {
    const preview = await editor.post('/admin/incidents/new', {
      ...declaration,
      intent: 'preview',
    });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('On the public page');
    expect(html).toMatch(/Subject:<\/strong> \[[^\]]+\] Card payments failing — Investigating/);
    expect(html).toContain('Major impact'); // SEV-2's impact
    const fingerprint = fingerprintOf(html) as string;
    // Changed after the preview: shown again, not published.
    const changed = await editor.post('/admin/incidents/new', {
      ...declaration,
      title: 'Something else',
      intent: 'publish',
      previewed: fingerprint,
    });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('The form changed after the preview');
    expect((await api('GET', '/api/v1/incidents')).json).toEqual([]);

    const id = await declare();
    const incident = (await api('GET', `/api/v1/incidents/${id}`)).json;
    expect(incident).toMatchObject({
      title: 'Card payments failing',
      severity: 'sev2',
      impact: 'major',
      incident_commander: 'Ana',
      comms_lead: 'Comms Person',
    });
    expect(Date.parse(incident.next_update_at) - Date.parse(incident.started_at)).toBe(1_800_000);
    const page = await (await fetch(`${server.url}/incidents/${id}`)).text();
    expect(page).toContain('We are investigating failed card payments.');
  });

  it('posts updates and notes, corrects one, and keeps action items with their errors beside the fields', async () => {
    const id = await declare({ title: 'Search is slow' });
    // A template fills in the promise this update will make, not the one the incident holds.
    const filled = await editor.post(`/admin/incidents/${id}`, {
      form: 'update',
      intent: 'template',
      template: 'identified',
      next_update_minutes: '0',
    });
    expect(filled.status).toBe(200);
    expect(await filled.text()).toContain('We will post our next update by when we know more.');
    const update = await editor.post(`/admin/incidents/${id}`, {
      form: 'update',
      intent: 'publish',
      status: 'identified',
      body: 'We found a slow index and are rebuilding it.',
      next_update_minutes: '45',
      notify: 'on',
    });
    expect(update.status).toBe(303);
    // The notice travels in the query and the section stays the fragment, so both arrive.
    const back = update.headers.get('location') ?? '';
    expect(back).toMatch(new RegExp(`^/admin/incidents/${id}\\?done=[^#]+#`));
    const noticed = await editor.get(back.split('#')[0] as string);
    expect(await noticed.text()).toMatch(/class="card notice done" role="status">[^<]+</);
    // The longest message the form takes, in a script outside ASCII: 9 bytes a character once
    // URL-encoded, 180 KB, well over the 64 KiB a sign-in form may send.
    const longest = await editor.post(`/admin/incidents/${id}`, {
      form: 'update',
      intent: 'publish',
      status: 'identified',
      body: '索'.repeat(20_000),
    });
    expect(longest.status).toBe(303);
    const note = await editor.post(`/admin/incidents/${id}`, {
      form: 'note',
      body: 'Internal: the rebuild takes 20 minutes on db-3.',
    });
    expect(note.status).toBe(303);
    const publicPage = await (await fetch(`${server.url}/incidents/${id}`)).text();
    expect(publicPage).toContain('We found a slow index');
    expect(publicPage).not.toContain('db-3');

    const badItem = await editor.post(`/admin/incidents/${id}`, {
      form: 'item-add',
      title: 'Alert on index bloat',
      owner: '',
      priority: 'high',
      due_at: '2030-01-01T10:00',
    });
    expect(badItem.status).toBe(422);
    const badHtml = await badItem.text();
    expect(badHtml).toContain('value="Alert on index bloat"');
    expect(badHtml).toMatch(/id="item-owner-error">Write who owns it/);

    // An item's refusal shows, keeps what was typed, and an item of another incident is not
    // changed from this one's page.
    const other = await declare({ title: 'Another incident' });
    const item = await api('POST', `/api/v1/incidents/${other}/action-items`, {
      title: 'Page on index bloat',
      owner: 'Search team',
      priority: 'medium',
    });
    const elsewhere = await editor.post(`/admin/incidents/${id}`, {
      form: 'item-status',
      item: item.json.id,
      status: 'done',
      verification: 'Checked',
    });
    expect(elsewhere.status).toBe(422);
    expect(await elsewhere.text()).toContain('not one of this incident’s');
    expect((await api('GET', `/api/v1/incidents/${other}/action-items`)).json[0].status).toBe(
      'open',
    );
    const long = 'v'.repeat(2_001);
    const tooLong = await editor.post(`/admin/incidents/${other}`, {
      form: 'item-status',
      item: item.json.id,
      status: 'done',
      verification: long,
    });
    expect(tooLong.status).toBe(422);
    const tooLongHtml = await tooLong.text();
    expect(tooLongHtml).toContain('role="alert">Keep it under 2000 characters.');
    expect(tooLongHtml).toContain(`value="${long}"`);

    const incident = (await api('GET', `/api/v1/incidents/${id}`)).json;
    const first = incident.updates.at(-1);
    const corrected = await editor.post(`/admin/incidents/${id}/updates/${first.id}`, {
      body: 'We are investigating slow searches.',
    });
    expect(corrected.status).toBe(303);
    const after = await (await fetch(`${server.url}/incidents/${id}`)).text();
    expect(after).toContain('We are investigating slow searches.');
    expect(after).toContain('Edited');
  });

  it('is read-only for viewers: no forms, and a form they send is refused', async () => {
    const page = await viewer.get('/admin');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('read-only');
    expect(html).not.toContain('name="component"');
    const id = await declare({ title: 'Viewer cannot touch this' });
    for (const path of [
      '/admin',
      '/admin/incidents/new',
      `/admin/incidents/${id}`,
      `/admin/incidents/${id}/postmortem`,
    ]) {
      const refused = await viewer.post(path, { form: 'note', body: 'x' });
      expect(refused.status, path).toBe(403);
    }
    const incidentPage = await (await viewer.get(`/admin/incidents/${id}`)).text();
    expect(incidentPage).not.toContain('name="form"');
  });

  it('lets only admins delete an incident, which frees its components', async () => {
    const components = (await api('GET', '/api/v1/components')).json;
    const target = components.find((c: { audience: string }) => c.audience === 'public');
    const id = await declare({
      title: 'Declared by mistake',
      [`component:${target.id}`]: 'major_outage',
    });
    expect((await api('GET', `/api/v1/components/${target.id}`)).json.status).toBe('major_outage');
    expect(
      (await editor.post(`/admin/incidents/${id}`, { form: 'delete', confirm: 'delete' })).status,
    ).toBe(403);
    const unconfirmed = await admin.post(`/admin/incidents/${id}`, {
      form: 'delete',
      confirm: 'yes',
    });
    expect(unconfirmed.status).toBe(422);
    const deleted = await admin.post(`/admin/incidents/${id}`, {
      form: 'delete',
      confirm: 'delete',
    });
    expect(deleted.status).toBe(303);
    expect((await api('GET', `/api/v1/incidents/${id}`)).status).toBe(404);
    expect((await api('GET', `/api/v1/components/${target.id}`)).json.status).toBe('operational');
  });

  it('sets a component status with one click from the dashboard', async () => {
    const components = (await api('GET', '/api/v1/components')).json;
    const target = components.find((c: { audience: string }) => c.audience === 'public');
    const response = await editor.post('/admin', {
      component: target.id,
      status: 'degraded_performance',
    });
    expect(response.status).toBe(303);
    expect((await api('GET', `/api/v1/components/${target.id}`)).json.status).toBe(
      'degraded_performance',
    );
    const bad = await editor.post('/admin', { component: target.id, status: 'on_fire' });
    expect(bad.status).toBe(422);
  });

  it('changes severity and roles, and reopens a resolved incident', async () => {
    const id = await declare({ title: 'Webhooks delayed', severity: 'sev3' });
    const roles = await editor.post(`/admin/incidents/${id}`, {
      form: 'roles',
      severity: 'sev1',
      incident_commander: 'Bea',
      comms_lead: '',
      technical_lead: 'Cy',
    });
    expect(roles.status).toBe(303);
    expect((await api('GET', `/api/v1/incidents/${id}`)).json).toMatchObject({
      severity: 'sev1',
      impact: 'critical',
      incident_commander: 'Bea',
      comms_lead: null,
      technical_lead: 'Cy',
    });
    // Reopening an open incident is refused, beside the form, with what was typed kept.
    const early = await editor.post(`/admin/incidents/${id}`, {
      form: 'reopen',
      status: 'investigating',
      body: 'Typed before it was resolved',
    });
    expect(early.status).toBe(422);
    const earlyHtml = await early.text();
    expect(earlyHtml).toContain('Only a resolved incident can be reopened');
    expect(earlyHtml).toContain('Typed before it was resolved');
    // "Email subscribers" was left unticked: it stays so, not ticked again behind the person's back.
    const reopenNotify = earlyHtml.match(
      /value="reopen"[\s\S]*?<input type="checkbox" name="notify"([^>]*)>/,
    );
    expect(reopenNotify?.[1]).toBeDefined();
    expect(reopenNotify?.[1]).not.toContain('checked');
    await editor.post(`/admin/incidents/${id}`, {
      form: 'update',
      intent: 'publish',
      status: 'resolved',
      body: 'Deliveries are on time.',
    });
    const reopened = await editor.post(`/admin/incidents/${id}`, {
      form: 'reopen',
      status: 'identified',
      body: 'Delays are back; the queue is lagging again.',
    });
    expect(reopened.status).toBe(303);
    const incident = (await api('GET', `/api/v1/incidents/${id}`)).json;
    expect(incident).toMatchObject({ status: 'identified', resolved_at: null });
    expect(incident.updates[0].body).toBe('Delays are back; the queue is lagging again.');
  });

  it('says beside Published that an open incident’s review waits, keeping the draft text', async () => {
    const id = await declare({ title: 'Still open' });
    const early = await editor.post(`/admin/incidents/${id}/postmortem`, {
      public_body: 'Draft words to keep',
      internal_body: '',
      published: 'on',
    });
    expect(early.status).toBe(422);
    const html = await early.text();
    expect(html).toMatch(
      /id="published-error">A postmortem is published once the incident is resolved/,
    );
    expect(html).toContain('Draft words to keep');
    expect((await api('GET', `/api/v1/incidents/${id}/postmortem`)).status).toBe(404);
  });

  it('takes a long postmortem, beyond the 64 KiB other forms are held to', async () => {
    const id = await declare({ title: 'A long review' });
    await editor.post(`/admin/incidents/${id}`, {
      form: 'update',
      intent: 'publish',
      status: 'resolved',
      body: 'Resolved.',
    });
    const paragraph = 'We changed the deploy pipeline so that every region gets the canary. ';
    const long = `## Summary\n\n${paragraph.repeat(1300)}`; // about 90 KB
    const saved = await editor.post(`/admin/incidents/${id}/postmortem`, {
      public_body: long,
      internal_body: long,
      published: 'on',
    });
    expect(saved.status).toBe(303);
    const stored = (await api('GET', `/api/v1/incidents/${id}/postmortem`)).json;
    expect(stored.public_body).toBe(long.trim());
  });

  it('lists and previews the message templates', async () => {
    const html = await (await viewer.get('/admin/templates')).text();
    expect(html).toContain('content/templates/investigating.md');
    expect(html).toContain('affecting API, Dashboard'); // the example values, filled in
  });
});
