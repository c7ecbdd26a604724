import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPublicCatalogue } from '#services/read/load-public.ts';
import { createUptimeStore } from '#services/read/uptime-store.ts';
import { makeHarness, testClock } from '#tests/support/harness.ts';

// The uptime bars are kept in memory and brought up to date by what changed (uptime-store.ts).
// Whatever happens, they must equal what a fresh read of the database gives.

const hour = 3_600_000;
type Key = 'api' | 'auth' | 'web';
const statuses = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;

const step = fc.oneof(
  fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('status' as const),
    component: fc.constantFrom<Key>('api', 'auth', 'web'),
    status: fc.constantFrom(...statuses),
  }),
  fc.record({
    kind: fc.constant('incident' as const),
    component: fc.constantFrom<Key>('api', 'auth', 'web'),
    status: fc.constantFrom('partial_outage', 'major_outage'),
    backdateHours: fc.integer({ min: 0, max: 30 }),
  }),
  fc.record({ kind: fc.constant('resolve' as const) }),
  fc.record({ kind: fc.constant('hide' as const) }),
);

describe('the uptime kept in memory', () => {
  it('equals a fresh read after any sequence of status changes, incidents and days passing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        const h = await makeHarness({ clock: testClock(new Date('2026-11-20T10:00:00.000Z')) });
        try {
          const open: string[] = [];
          // The first read fills the store; every later one applies changes.
          await h.candor.publicReads.status();
          for (const s of steps) {
            if (s.kind === 'wait') h.clock.advance(s.hours * hour);
            if (s.kind === 'status') {
              const answer = await h.request('PATCH', `/api/v1/components/${h.ids[s.component]}`, {
                status: s.status,
              });
              expect(answer.status).toBe(200);
            }
            if (s.kind === 'incident') {
              const answer = await h.request('POST', '/api/v1/incidents', {
                title: 'Errors',
                status: 'investigating',
                body: 'Looking.',
                started_at: new Date(
                  h.clock.now().getTime() - s.backdateHours * hour,
                ).toISOString(),
                components: { [h.ids[s.component]]: s.status },
              });
              expect(answer.status).toBe(201);
              open.push(answer.json.id);
            }
            if (s.kind === 'resolve' && open.length > 0) {
              const id = open.shift() as string;
              const answer = await h.request('POST', `/api/v1/incidents/${id}/updates`, {
                status: 'resolved',
                body: 'Fixed.',
              });
              expect(answer.status).toBe(201);
            }
            if (s.kind === 'hide' && open.length > 0) {
              // Made internal: its days lose it. Its components must be released first.
              const id = open.shift() as string;
              await h.request('POST', `/api/v1/incidents/${id}/updates`, {
                status: 'resolved',
                body: 'Fixed.',
              });
              const answer = await h.request('PATCH', `/api/v1/incidents/${id}`, {
                audience: 'internal',
              });
              expect(answer.status).toBe(200);
            }

            // The read model is kept a second of real time; the test clock moves faster.
            h.candor.changed(['status']);
            const kept = (await h.candor.publicReads.status()).uptime;
            const catalogue = await loadPublicCatalogue(h.db);
            const fresh = await createUptimeStore(h.db, 'Etc/UTC').lookup(h.clock.now(), {
              componentIds: [...catalogue.visibleIds],
              groups: catalogue.groups,
            });
            for (const id of [...catalogue.visibleIds, ...catalogue.groups.map((g) => g.id)]) {
              expect(kept.get(id), `${id} after ${JSON.stringify(s)}`).toEqual(fresh.get(id));
            }
          }
        } finally {
          h.close();
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
