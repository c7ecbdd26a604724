import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { incidentUpdates, maintenanceUpdates } from '#db/schema/index.ts';
import { loadUpdatesForEmail } from '#services/email/compose.ts';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

// What an update's email says, read from a real database: the public components the incident
// or maintenance names, with their status, whichever kind it is.

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

describe('loadUpdatesForEmail', () => {
  it("names each event's public components with their status, for incidents and maintenance", async () => {
    const incident = await h.request('POST', '/api/v1/incidents', {
      title: 'API errors',
      status: 'investigating',
      body: 'Looking.',
      components: { [h.ids.api]: 'partial_outage', [h.ids.web]: 'operational' },
    });
    expect(incident.status).toBe(201);
    const start = h.clock.now().getTime() + 3_600_000;
    const maintenance = await h.request('POST', '/api/v1/maintenances', {
      title: 'Upgrade',
      body: 'Upgrading.',
      scheduled_for: new Date(start).toISOString(),
      scheduled_until: new Date(start + 3_600_000).toISOString(),
      components: [h.ids.auth],
    });
    expect(maintenance.status).toBe(201);
    const [incidentUpdate] = await h.db
      .select({ id: incidentUpdates.id })
      .from(incidentUpdates)
      .where(eq(incidentUpdates.incidentId, incident.json.id));
    const [maintenanceUpdate] = await h.db
      .select({ id: maintenanceUpdates.id })
      .from(maintenanceUpdates)
      .where(eq(maintenanceUpdates.maintenanceId, maintenance.json.id));
    const events = await loadUpdatesForEmail(h.db, 'https://status.testco.example', [
      incidentUpdate?.id as string,
      maintenanceUpdate?.id as string,
    ]);
    expect(events.get(incidentUpdate?.id as string)?.components.sort()).toEqual([
      'API (Partial outage)',
      'Website (Operational)',
    ]);
    expect(events.get(maintenanceUpdate?.id as string)?.components).toEqual(['Auth (Operational)']);
  });
});
