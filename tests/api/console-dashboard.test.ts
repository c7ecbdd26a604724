import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

// What the console's dashboard reads besides the open incidents: the reviews falling due by
// severity, and the action items past their date.

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

const hour = 3_600_000;

/** Declares and resolves an incident of `severity`; returns its id. */
async function resolvedIncident(title: string, severity: string): Promise<string> {
  const { json } = await h.request('POST', '/api/v1/incidents', {
    title,
    status: 'investigating',
    body: 'Looking.',
    severity,
  });
  h.clock.advance(hour);
  await h.request('POST', `/api/v1/incidents/${json.id}/updates`, {
    status: 'resolved',
    body: 'Fixed.',
  });
  return json.id;
}

describe('the dashboard', () => {
  it('lists unpublished reviews soonest due first, overdue once the severity’s deadline passes', async () => {
    const sev3 = await resolvedIncident('Slow search', 'sev3');
    const sev1 = await resolvedIncident('Checkout down', 'sev1');
    const published = await resolvedIncident('Login loop', 'sev2');
    await h.request('PUT', `/api/v1/incidents/${published}/postmortem`, {
      public_body: 'What happened.',
      internal_body: 'Why.',
      published: true,
    });
    const reviews = async () =>
      (await h.candor.consoleReads.dashboard()).reviews.map((r) => [r.id, r.review.state]);
    // SEV-1 is due a day after resolution, SEV-3 a week: the SEV-1 comes first.
    expect(await reviews()).toEqual([
      [sev1, 'due'],
      [sev3, 'due'],
    ]);
    h.clock.advance(25 * hour);
    expect(await reviews()).toEqual([
      [sev1, 'overdue'],
      [sev3, 'due'],
    ]);
  });

  it('lists unfinished action items past their due date, with their incident’s title', async () => {
    const id = await resolvedIncident('Checkout down', 'sev1');
    const item = (title: string, dueInHours: number) =>
      h.request('POST', `/api/v1/incidents/${id}/action-items`, {
        title,
        owner: 'SRE',
        priority: 'high',
        due_at: new Date(h.clock.now().getTime() + dueInHours * hour).toISOString(),
      });
    const late = (await item('Alert on checkout errors', 1)).json;
    const done = (await item('Canary every region', 1)).json;
    await item('Runbook', 48);
    await h.request('PATCH', `/api/v1/action-items/${done.id}`, { status: 'done' });
    h.clock.advance(2 * hour);
    const { overdueItems } = await h.candor.consoleReads.dashboard();
    expect(overdueItems.map((i) => [i.id, i.incidentTitle])).toEqual([[late.id, 'Checkout down']]);
  });
});
