import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { maintenances, maintenanceUpdates, notifications } from '#db/schema/index.ts';
import { remindMaintenance } from '#services/maintenances/remind-maintenance.ts';
import { type Harness, makeHarness, testClock } from '#tests/support/harness.ts';

// Subscribers are reminded once before a maintenance they were told of begins: the lead time is
// a setting, the reminder is an ordinary timeline update that emails, and two instances sharing a
// database send it once.

const minute = 60_000;
const hour = 60 * minute;
const harnesses: Harness[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function harness(options: Parameters<typeof makeHarness>[0] = {}) {
  const h = await makeHarness(options);
  harnesses.push(h);
  const subscribed = await h.request('POST', '/api/v1/subscribers', [
    { email: 'everything@example.com', confirmed: true },
    { email: 'api@example.com', components: [h.ids.api], confirmed: true },
    { email: 'auth-only@example.com', components: [h.ids.auth], confirmed: true },
  ]);
  expect(subscribed.status, subscribed.text).toBeLessThan(300);
  return h;
}

/** Schedules a maintenance on the API component starting `startsIn` from now. */
async function schedule(h: Harness, startsIn: number, extra: Record<string, unknown> = {}) {
  const start = h.clock.now().getTime() + startsIn;
  const { status, json, text } = await h.request('POST', '/api/v1/maintenances', {
    title: 'Database upgrade',
    body: 'Planned upgrade.',
    scheduled_for: new Date(start).toISOString(),
    scheduled_until: new Date(start + hour).toISOString(),
    components: [h.ids.api],
    notify: true,
    ...extra,
  });
  expect(status, text).toBe(201);
  return json.id as string;
}

const remind = (h: Harness, minutes = 60) =>
  remindMaintenance(h.candor.context('scheduler'), minutes);

async function timeline(h: Harness, id: string) {
  return h.db
    .select()
    .from(maintenanceUpdates)
    .where(eq(maintenanceUpdates.maintenanceId, id))
    .orderBy(maintenanceUpdates.displayAt);
}

async function emailsFor(h: Harness, updateId: string) {
  return (await h.db.select().from(notifications)).filter((n) => n.updateId === updateId);
}

describe('maintenance reminders', () => {
  it('reminds once, when the start comes within the lead time, and queues the emails', async () => {
    const h = await harness();
    const id = await schedule(h, 3 * hour);
    h.clock.advance(2 * hour - minute);
    expect(await remind(h)).toEqual([]);
    h.clock.advance(minute);
    expect(await remind(h)).toEqual([id]);
    expect(await remind(h)).toEqual([]);
    h.clock.advance(30 * minute);
    expect(await remind(h)).toEqual([]);

    const updates = await timeline(h, id);
    expect(updates).toHaveLength(2);
    const reminder = updates[1];
    expect(reminder).toMatchObject({ status: 'scheduled', notify: true, audience: 'public' });
    // The test site's zone is UTC; the start is 13:00 on the harness's day.
    expect(reminder?.body).toBe(
      'Reminder: this maintenance starts at Nov 20, 2026, 13:00 UTC and is planned to end at Nov 20, 2026, 14:00 UTC.',
    );
    const emails = await emailsFor(h, reminder?.id as string);
    expect(emails).toHaveLength(2); // everything@ and api@, not auth-only@
    expect(emails.every((e) => e.state === 'queued' && e.kind === 'maintenance_update')).toBe(true);

    const [row] = await h.db.select().from(maintenances).where(eq(maintenances.id, id));
    expect(row?.remindedAt).toEqual(new Date(h.clock.now().getTime() - 30 * minute));
    const told = (await h.request('GET', `/api/v1/maintenances/${id}`)).json;
    expect(told.reminded_at).toBe(row?.remindedAt?.toISOString());
    const audit = await h.request('GET', `/api/v1/audit?entity_id=${id}`);
    expect(audit.json.map((entry: { action: string }) => entry.action)).toContain(
      'maintenance.reminded',
    );
  });

  it('sends no reminder for a maintenance that does not notify, or when reminders are off', async () => {
    const h = await harness();
    const quiet = await schedule(h, 3 * hour, { notify: false });
    const loud = await schedule(h, 3 * hour);
    h.clock.advance(2 * hour + 30 * minute);
    expect(await remind(h, 0)).toEqual([]);
    expect(await remind(h)).toEqual([loud]);
    expect(await timeline(h, quiet)).toHaveLength(1);
  });

  it('sends no reminder for a cancelled, an internal or a just-announced maintenance', async () => {
    const h = await harness();
    const cancelled = await schedule(h, 3 * hour);
    await schedule(h, 3 * hour, { audience: 'internal', components: [] });
    const cancel = await h.request('PATCH', `/api/v1/maintenances/${cancelled}`, {
      status: 'cancelled',
    });
    expect(cancel.status, cancel.text).toBe(200);
    h.clock.advance(2 * hour + 30 * minute);
    // Announced 30 minutes before its start, inside the hour's lead: subscribers just heard.
    await schedule(h, 30 * minute);
    // Announced just as its reminder time came: the announcement is the reminder.
    await schedule(h, hour);
    expect(await remind(h)).toEqual([]);
  });

  it('reminds again before a new start when the maintenance is moved', async () => {
    const h = await harness();
    const id = await schedule(h, 3 * hour);
    h.clock.advance(2 * hour + 30 * minute);
    expect(await remind(h)).toEqual([id]);
    const later = h.clock.now().getTime() + 24 * hour;
    const moved = await h.request('PATCH', `/api/v1/maintenances/${id}`, {
      scheduled_for: new Date(later).toISOString(),
      scheduled_until: new Date(later + hour).toISOString(),
    });
    expect(moved.status, moved.text).toBe(200);
    expect(await remind(h)).toEqual([]);
    h.clock.set(new Date(later - 45 * minute));
    expect(await remind(h)).toEqual([id]);
  });

  it('reminds once when two instances share a database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'candor-reminders-'));
    dirs.push(dir);
    const url = `file:${join(dir, 'shared.db')}`;
    const clock = testClock();
    const a = await harness({ url, clock });
    const b = await makeHarness({ url, clock });
    harnesses.push(b);
    const id = await schedule(a, 3 * hour);
    clock.advance(2 * hour + 30 * minute);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => remind(i % 2 ? a : b)));
    expect(results.flat()).toEqual([id]);
    const reminders = (await timeline(a, id)).filter((u) => u.body.startsWith('Reminder:'));
    expect(reminders).toHaveLength(1);
  });
});
