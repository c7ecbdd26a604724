import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { maintenanceUpdates } from '#db/schema/index.ts';
import { runDueMaintenance } from '#services/maintenances/run-due-maintenance.ts';
import { type Harness, makeHarness, testClock } from '#tests/support/harness.ts';

const minute = 60_000;
const harnesses: Harness[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function harness(options: Parameters<typeof makeHarness>[0] = {}) {
  const h = await makeHarness(options);
  harnesses.push(h);
  return h;
}

async function schedule(h: Harness, extra: Record<string, unknown> = {}) {
  const start = h.clock.now().getTime() + 30 * minute;
  const { status, json } = await h.request('POST', '/api/v1/maintenances', {
    title: 'Database upgrade',
    body: 'Planned upgrade.',
    scheduled_for: new Date(start).toISOString(),
    scheduled_until: new Date(start + 60 * minute).toISOString(),
    components: [h.ids.api],
    ...extra,
  });
  expect(status).toBe(201);
  return json.id as string;
}

const statusOf = async (h: Harness, id: string) =>
  (await h.request('GET', `/api/v1/maintenances/${id}`)).json.status;

describe('maintenance automation', () => {
  it('starts at scheduled_for and completes at scheduled_until, returning components', async () => {
    const h = await harness();
    await h.request('PATCH', `/api/v1/components/${h.ids.api}`, { status: 'degraded_performance' });
    const id = await schedule(h);
    const run = () => runDueMaintenance(h.candor.context('scheduler'));

    h.clock.advance(29 * minute);
    expect(await run()).toEqual([]);
    h.clock.advance(minute);
    expect(await run()).toEqual([{ id, from: 'scheduled', to: 'in_progress' }]);
    expect(await h.componentStatus(h.ids.api)).toBe('under_maintenance');
    expect(await run()).toEqual([]);

    h.clock.advance(60 * minute);
    expect(await run()).toEqual([{ id, from: 'in_progress', to: 'completed' }]);
    expect(await statusOf(h, id)).toBe('completed');
    expect(await h.componentStatus(h.ids.api)).toBe('degraded_performance');
    const entries = (await h.request('GET', `/api/v1/maintenances/${id}`)).json.updates;
    expect(entries.map((u: { status: string }) => u.status)).toEqual([
      'completed',
      'in_progress',
      'scheduled',
    ]);
  });

  it('leaves a maintenance that asked for no automation', async () => {
    const h = await harness();
    const id = await schedule(h, { auto_transition: false });
    h.clock.advance(120 * minute);
    expect(await runDueMaintenance(h.candor.context('scheduler'))).toEqual([]);
    expect(await statusOf(h, id)).toBe('scheduled');
  });

  it('catches up after a restart: a window that passed unseen completes at once', async () => {
    const h = await harness();
    const id = await schedule(h);
    h.clock.advance(5 * 60 * minute);
    expect(await runDueMaintenance(h.candor.context('scheduler'))).toEqual([
      { id, from: 'scheduled', to: 'completed' },
    ]);
    expect(await h.componentStatus(h.ids.api)).toBe('operational');
  });

  it('moves a maintenance once when two instances share a database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'candor-scheduler-'));
    dirs.push(dir);
    const url = `file:${join(dir, 'shared.db')}`;
    const clock = testClock();
    const a = await harness({ url, clock });
    const b = await harness({ url, clock });
    const id = await schedule(a);
    clock.advance(31 * minute);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        runDueMaintenance((i % 2 ? a : b).candor.context('scheduler')),
      ),
    );
    expect(results.flat()).toEqual([{ id, from: 'scheduled', to: 'in_progress' }]);
    const entries = await a.db
      .select()
      .from(maintenanceUpdates)
      .where(eq(maintenanceUpdates.maintenanceId, id));
    expect(entries.filter((e) => e.status === 'in_progress')).toHaveLength(1);
  });
});
