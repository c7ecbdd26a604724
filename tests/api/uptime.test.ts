import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { componentDailyRollup, settings } from '#db/schema/index.ts';
import { ensureRollups } from '#services/uptime/rebuild-rollups.ts';
import { type Harness, makeHarness, testClock } from '#tests/support/harness.ts';

const hour = 3_600_000;
let h: Harness;
beforeEach(async () => {
  // Components are created at 2026-11-20T10:00Z by the harness's content sync.
  h = await makeHarness({ clock: testClock(new Date('2026-11-20T10:00:00.000Z')) });
  await ensureRollups(h.candor.context('test'));
});
afterEach(() => h.close());

async function setStatus(id: string, status: string, afterHours: number) {
  h.clock.advance(afterHours * hour);
  const { status: code } = await h.request('PATCH', `/api/v1/components/${id}`, { status });
  expect(code).toBe(200);
}

async function rollupOf(id: string) {
  const rows = await h.db
    .select()
    .from(componentDailyRollup)
    .where(eq(componentDailyRollup.componentId, id))
    .orderBy(componentDailyRollup.day);
  return rows.map((r) => [r.day, r.worstStatus, r.downtimeMs / hour, r.observedMs / hour]);
}

describe('the daily rollup', () => {
  it('adds each closed interval to the days it covers, as it closes', async () => {
    await setStatus(h.ids.api, 'major_outage', 4); // 14:00 on the 20th
    await setStatus(h.ids.api, 'partial_outage', 12); // 02:00 on the 21st
    await setStatus(h.ids.api, 'operational', 10); // 12:00 on the 21st
    expect(await rollupOf(h.ids.api)).toEqual([
      ['2026-11-20', 'major_outage', 10, 14],
      ['2026-11-21', 'major_outage', 2 + 10 * 0.3, 12],
    ]);
  });

  it('is rebuilt from the history when the time zone changes, to the same figures', async () => {
    await setStatus(h.ids.api, 'major_outage', 4);
    await setStatus(h.ids.api, 'operational', 12);
    const incremental = await rollupOf(h.ids.api);
    await h.db.delete(settings).where(eq(settings.key, 'rollup_time_zone'));
    await h.db.delete(componentDailyRollup);
    expect(await ensureRollups(h.candor.context('test'))).toBe(true);
    expect(await rollupOf(h.ids.api)).toEqual(incremental);
    expect(await ensureRollups(h.candor.context('test'))).toBe(false);
  });
});

describe('uptime in the public read model', () => {
  it('gives 90 bars per component, no data before it existed, and 30/90-day percentages', async () => {
    await setStatus(h.ids.api, 'major_outage', 2);
    await setStatus(h.ids.api, 'operational', 6);
    h.clock.advance(4 * hour); // now 2026-11-20T22:00Z
    const status = await h.candor.publicReads.status();
    const api = status.uptime.get(h.ids.api);
    expect(api?.days).toHaveLength(90);
    expect(api?.days.at(-1)).toMatchObject({
      day: '2026-11-20',
      worst: 'major_outage',
      downtimeMs: 6 * hour,
    });
    expect(api?.days.at(-2)).toMatchObject({ worst: null });
    expect(api?.uptime90).toBeCloseTo(100 * (1 - 6 / 12), 6);
    expect(status.uptime.get(h.ids.auth)?.uptime30).toBe(100);
    const core = status.groups.find((g) => g.name === 'Core');
    expect(status.uptime.get(core?.id ?? '')?.uptime90).toBeCloseTo(100 * (1 - 6 / 24), 6);
    expect(status.uptime.get(h.ids.deploys)).toBeUndefined();
  });

  it('links the incidents of each day to the components they touched', async () => {
    h.clock.advance(hour);
    const { json } = await h.request('POST', '/api/v1/incidents', {
      title: 'API errors',
      status: 'investigating',
      body: 'Looking.',
      components: { [h.ids.api]: 'partial_outage' },
    });
    h.clock.advance(20 * hour); // into the next day
    const status = await h.candor.publicReads.status();
    const bars = status.uptime.get(h.ids.api)?.days ?? [];
    expect(bars.at(-2)?.incidentIds).toEqual([json.id]);
    expect(bars.at(-1)?.incidentIds).toEqual([json.id]);
    expect(status.uptime.get(h.ids.auth)?.days.at(-1)?.incidentIds).toEqual([]);
  });
});

describe('interval export', () => {
  it('serves a public component history as JSON and CSV', async () => {
    await setStatus(h.ids.api, 'degraded_performance', 1);
    const json = await h.request('GET', `/components/${h.ids.api}/intervals.json`, undefined, '');
    expect(json.status).toBe(200);
    expect(json.json.intervals).toEqual([
      {
        status: 'operational',
        started_at: '2026-11-20T10:00:00.000Z',
        ended_at: '2026-11-20T11:00:00.000Z',
        downtime_weight: 0,
      },
      {
        status: 'degraded_performance',
        started_at: '2026-11-20T11:00:00.000Z',
        ended_at: null,
        downtime_weight: 0,
      },
    ]);
    const csv = await h.request('GET', `/components/${h.ids.api}/intervals.csv`, undefined, '');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.text.split('\r\n')).toEqual([
      'component_id,component_name,status,started_at,ended_at,downtime_weight',
      `${h.ids.api},API,operational,2026-11-20T10:00:00.000Z,2026-11-20T11:00:00.000Z,0`,
      `${h.ids.api},API,degraded_performance,2026-11-20T11:00:00.000Z,,0`,
      '',
    ]);
  });

  it('answers 404 for internal and unknown components alike', async () => {
    const internal = await h.request(
      'GET',
      `/components/${h.ids.deploys}/intervals.json`,
      undefined,
      '',
    );
    const unknown = await h.request(
      'GET',
      '/components/nosuchthing1/intervals.json',
      undefined,
      '',
    );
    expect([internal.status, unknown.status]).toEqual([404, 404]);
    expect(internal.text).not.toContain('Deploys');
  });
});
