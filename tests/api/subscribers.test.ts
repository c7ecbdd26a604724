import { eq } from 'drizzle-orm';
import { Webhook } from 'svix';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, notifications, subscribers } from '#db/schema/index.ts';
import { expirePending } from '#services/email/outbox.ts';
import { readOutbox } from '#services/email/read-outbox.ts';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

const webhookSecret = `whsec_${Buffer.from('candor-test-webhook-secret').toString('base64')}`;
const minute = 60_000;
let h: Harness;
beforeEach(async () => {
  h = await makeHarness({ env: { RESEND_WEBHOOK_SECRET: webhookSecret } });
});
afterEach(() => h.close());

const outbox = (state?: 'queued' | 'skipped') =>
  readOutbox(h.candor.context('test'), h.candor.email, { state });
const subscriberOf = async (email: string) =>
  (await h.db.select().from(subscribers).where(eq(subscribers.email, email)))[0];
const linkIn = (text: string | null, path: string) =>
  new URL(
    (text ?? '').match(new RegExp(`https://\\S+${path}\\?token=\\S+`))?.[0] ?? 'https://x/none',
  ).searchParams.get('token') ?? '';

async function activeSubscriber(email: string, componentIds: string[] | null = null) {
  await h.candor.subscriptions.subscribe({ email, componentIds });
  const [confirmation] = await outbox('queued');
  await h.candor.subscriptions.confirm(linkIn(confirmation?.text ?? null, '/subscribe/confirm'));
  return (await subscriberOf(email.toLowerCase()))?.id as string;
}

async function declare(extra: Record<string, unknown> = {}) {
  const { status, json } = await h.request('POST', '/api/v1/incidents', {
    title: 'API errors',
    status: 'investigating',
    body: 'Looking.',
    notify: true,
    components: { [h.ids.api]: 'partial_outage' },
    ...extra,
  });
  expect(status).toBe(201);
  return json.id as string;
}

const updateEmails = async () =>
  (await h.db.select().from(notifications)).filter((n) => n.kind !== 'confirmation');

describe('double opt-in', () => {
  it('queues one confirmation, activates from its link, and confirming twice is fine', async () => {
    await h.candor.subscriptions.subscribe({ email: 'Ana@Example.com', componentIds: null });
    const queued = await outbox('queued');
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ kind: 'confirmation', to: 'ana@example.com' });
    expect((await subscriberOf('ana@example.com'))?.state).toBe('pending');
    const token = linkIn(queued[0]?.text ?? null, '/subscribe/confirm');
    expect(await h.candor.subscriptions.confirm(token)).toEqual({ email: 'ana@example.com' });
    expect(await h.candor.subscriptions.confirm(token)).toEqual({ email: 'ana@example.com' });
    expect((await subscriberOf('ana@example.com'))?.state).toBe('active');
    await expect(h.candor.subscriptions.confirm(`${token}x`)).rejects.toThrow(/not valid/);
  });

  it('sends at most one confirmation per address per 10 minutes, and nothing to suppressed addresses', async () => {
    const email = 'bo@example.com';
    await h.candor.subscriptions.subscribe({ email, componentIds: null });
    await h.candor.subscriptions.subscribe({ email, componentIds: null });
    expect(await outbox('queued')).toHaveLength(1);
    h.clock.advance(10 * minute);
    await h.candor.subscriptions.subscribe({ email, componentIds: null });
    expect(await outbox('queued')).toHaveLength(2);
    await h.db.update(subscribers).set({ state: 'bounced' }).where(eq(subscribers.email, email));
    h.clock.advance(60 * minute);
    await h.candor.subscriptions.subscribe({ email, componentIds: null });
    expect(await outbox('queued')).toHaveLength(2);
    expect((await subscriberOf(email))?.state).toBe('bounced');
  });

  it('refuses a component that is not public, naming the field', async () => {
    await expect(
      h.candor.subscriptions.subscribe({ email: 'c@example.com', componentIds: [h.ids.deploys] }),
    ).rejects.toMatchObject({ field: 'components' });
  });

  it('forgets subscriptions never confirmed in 48 hours', async () => {
    await h.candor.subscriptions.subscribe({ email: 'late@example.com', componentIds: null });
    h.clock.advance(47 * 60 * minute);
    expect(await expirePending(h.candor.context('test'))).toBe(0);
    h.clock.advance(2 * 60 * minute);
    expect(await expirePending(h.candor.context('test'))).toBe(1);
    expect(await subscriberOf('late@example.com')).toBeUndefined();
  });
});

describe('notifications for updates', () => {
  it('go to every active subscriber whose choice matches, once per update, in the same write', async () => {
    const all = await activeSubscriber('all@example.com');
    const api = await activeSubscriber('api@example.com', [h.ids.api]);
    await activeSubscriber('web@example.com', [h.ids.web]);
    await h.candor.subscriptions.subscribe({ email: 'pending@example.com', componentIds: null });
    const id = await declare();
    let emails = await updateEmails();
    expect(emails.map((n) => n.subscriberId).sort()).toEqual([all, api].sort());
    h.clock.advance(minute);
    await h.request('POST', `/api/v1/incidents/${id}/updates`, {
      status: 'resolved',
      body: 'Fixed.',
      notify: true,
    });
    emails = await updateEmails();
    expect(emails).toHaveLength(4);
    expect(new Set(emails.map((n) => `${n.subscriberId}:${n.updateId}`)).size).toBe(4);
  });

  it('are queued in chunks that together reach every subscriber once', async () => {
    const { enqueueUpdateNotifications } = await import('#services/email/enqueue.ts');
    const { importSubscribers } = await import('#services/subscribers/admin.ts');
    await importSubscribers(
      h.candor.context('test'),
      Array.from({ length: 7 }, (_, i) => ({
        email: `c${i}@example.com`,
        confirmed: true,
        componentIds: i % 3 ? null : [h.ids.web],
      })),
    );
    const queued = await h.db.transaction((tx) =>
      enqueueUpdateNotifications(
        tx,
        { kind: 'incident_update', updateId: 'u1', componentIds: [h.ids.api], now: h.clock.now() },
        2,
      ),
    );
    expect(queued).toBe(4);
    const again = await h.db.transaction((tx) =>
      enqueueUpdateNotifications(
        tx,
        { kind: 'incident_update', updateId: 'u1', componentIds: [h.ids.api], now: h.clock.now() },
        3,
      ),
    );
    expect(again).toBe(0);
  });

  it('go to everyone when the incident names no component', async () => {
    await activeSubscriber('web@example.com', [h.ids.web]);
    await declare({ components: {} });
    expect(await updateEmails()).toHaveLength(1);
  });

  it('never come from internal incidents or internal notes, even with notify', async () => {
    await activeSubscriber('all@example.com');
    await declare({ audience: 'internal', components: { [h.ids.deploys]: 'major_outage' } });
    const id = await declare({ notify: false });
    h.clock.advance(minute);
    const note = await h.request('POST', `/api/v1/incidents/${id}/updates`, {
      status: 'investigating',
      body: 'Internal only',
      audience: 'internal',
      notify: true,
    });
    expect(note.status).toBe(201);
    expect(await updateEmails()).toHaveLength(0);
  });

  it('come for maintenance scheduled and started with notify', async () => {
    await activeSubscriber('all@example.com');
    const start = h.clock.now().getTime() + 60 * minute;
    const { json } = await h.request('POST', '/api/v1/maintenances', {
      title: 'Upgrade',
      body: 'Planned.',
      scheduled_for: new Date(start).toISOString(),
      scheduled_until: new Date(start + 60 * minute).toISOString(),
      components: [h.ids.api],
      notify: true,
    });
    await h.request('PATCH', `/api/v1/maintenances/${json.id}`, { status: 'in_progress' });
    const emails = await updateEmails();
    expect(emails.map((n) => n.kind)).toEqual(['maintenance_update', 'maintenance_update']);
    const [preview] = await outbox('queued');
    expect(preview?.subject).toBe('[Testco] Upgrade — In progress');
  });
});

describe('leaving', () => {
  it('one-click POST unsubscribes at once and drops what was queued; a bad link changes nothing', async () => {
    const id = await activeSubscriber('leaver@example.com');
    await declare();
    const [email] = await outbox('queued');
    const token = linkIn(email?.text ?? null, '/unsubscribe');
    const bad = await h.app.request(`/unsubscribe?token=${encodeURIComponent(`${token}x`)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(bad.status).toBe(400);
    expect((await subscriberOf('leaver@example.com'))?.state).toBe('active');
    const ok = await h.app.request(`/unsubscribe?token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('You are unsubscribed');
    expect((await subscriberOf('leaver@example.com'))?.state).toBe('unsubscribed');
    expect((await outbox('skipped')).map((n) => n.to)).toContain('leaver@example.com');
    const [row] = await h.db.select().from(notifications).where(eq(notifications.subscriberId, id));
    expect(row?.state).toBe('skipped');
  });

  it('every update email carries RFC 8058 one-click headers', async () => {
    await activeSubscriber('headers@example.com');
    await declare();
    const { composeEmail, loadUpdatesForEmail } = await import('#services/email/compose.ts');
    const [row] = await h.db
      .select({ notification: notifications, subscriber: subscribers })
      .from(notifications)
      .innerJoin(subscribers, eq(subscribers.id, notifications.subscriberId))
      .where(eq(notifications.kind, 'incident_update'));
    if (!row) throw new Error('no incident email was queued');
    const events = await loadUpdatesForEmail(h.db, h.candor.email.site.url, [
      row.notification.updateId ?? '',
    ]);
    const email = composeEmail(
      h.candor.email,
      { ...row.notification, subscriber: row.subscriber },
      events,
      h.clock.now(),
    );
    expect(email?.headers['List-Unsubscribe']).toMatch(
      /^<https:\/\/status\.testco\.example\/unsubscribe\?token=unsubscribe\.[^>]+>$/,
    );
    expect(email?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(email?.to).toEqual(['headers@example.com']);
  });
});

describe('admin API', () => {
  it('imports one or many; confirmed imports are active with no email and the audit log says so', async () => {
    const one = await h.request('POST', '/api/v1/subscribers', { email: 'one@example.com' });
    expect(one.status).toBe(201);
    const many = await h.request('POST', '/api/v1/subscribers', [
      { email: 'Two@Example.com', confirmed: true, components: [h.ids.api] },
      { email: 'three@example.com', confirmed: true },
    ]);
    expect(many.json.created).toBe(2);
    const list = (await h.request('GET', '/api/v1/subscribers')).json;
    expect(list.map((s: { email: string; state: string }) => [s.email, s.state])).toEqual([
      ['one@example.com', 'pending'],
      ['three@example.com', 'active'],
      ['two@example.com', 'active'],
    ]);
    expect((await outbox('queued')).map((n) => n.to)).toEqual(['one@example.com']);
    const audit = await h.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'subscriber.imported'));
    expect(audit.filter((a) => String(a.detail?.optIn).startsWith('skipped'))).toHaveLength(2);
    const csv = await h.request('GET', '/api/v1/subscribers.csv');
    expect(csv.text.split('\r\n')[0]).toBe(
      'id,email,state,components,source,created_at,confirmed_at,left_at',
    );
    expect(csv.text).toContain(`two@example.com,active,${h.ids.api},import`);
    expect((await h.request('DELETE', `/api/v1/subscribers/${one.json.ids[0]}`)).status).toBe(204);
    expect((await h.request('DELETE', `/api/v1/subscribers/${one.json.ids[0]}`)).status).toBe(404);
  });

  it('refuses more than 1,000 at once and bad addresses, naming the field', async () => {
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ email: `p${i}@example.com` }));
    expect((await h.request('POST', '/api/v1/subscribers', tooMany)).status).toBe(422);
    const bad = await h.request('POST', '/api/v1/subscribers', { email: 'not-an-address' });
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0].field).toBe('email');
  });

  it('keeps addresses from read-only tokens', async () => {
    const { json } = await h.request('POST', '/api/v1/tokens', {
      name: 'reader',
      scopes: ['read'],
    });
    expect((await h.request('GET', '/api/v1/subscribers', undefined, json.token)).status).toBe(403);
    expect((await h.request('GET', '/api/v1/outbox', undefined, json.token)).status).toBe(403);
  });
});

describe('delivery webhooks', () => {
  const send = (body: object, options: { id?: string; secret?: string; at?: Date } = {}) => {
    const payload = JSON.stringify(body);
    const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
    const at = options.at ?? new Date();
    const signature = new Webhook(options.secret ?? webhookSecret).sign(id, at, payload);
    return h.app.request('/api/v1/webhooks/resend', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'svix-id': id,
        'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
        'svix-signature': signature,
      },
      body: payload,
    });
  };

  it('suppresses a bounced address once, and refuses bad or stale signatures', async () => {
    await activeSubscriber('gone@example.com');
    const event = {
      type: 'email.bounced',
      created_at: new Date().toISOString(),
      data: { to: ['Gone@example.com'] },
    };
    const wrong = await send(event, {
      secret: `whsec_${Buffer.from('another-secret').toString('base64')}`,
    });
    expect(wrong.status).toBe(401);
    const stale = await send(event, { at: new Date(Date.now() - 6 * minute) });
    expect(stale.status).toBe(401);
    expect((await subscriberOf('gone@example.com'))?.state).toBe('active');
    const first = await send(event, { id: 'msg_1' });
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    expect((await subscriberOf('gone@example.com'))?.state).toBe('bounced');
    const again = await send(event, { id: 'msg_1' });
    expect(await again.json()).toEqual({ received: true, duplicate: true });
  });

  it('answers 503 when no secret is configured', async () => {
    const bare = await makeHarness();
    try {
      const response = await bare.app.request('/api/v1/webhooks/resend', {
        method: 'POST',
        body: '{}',
      });
      expect(response.status).toBe(503);
    } finally {
      bare.close();
    }
  });
});
