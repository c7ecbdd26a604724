import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { componentDailyRollup, componentStatusHistory, components } from '#db/schema/index.ts';
import type { ComponentChange } from '#domain/changes.ts';
import type { ComponentStatus } from '#domain/enums.ts';
import { addInterval, type DayFigure } from '#domain/uptime.ts';

/**
 * Sets a component's status and keeps the history of intervals whole: the current interval ends
 * and a new one begins at `at`; the ended interval is added to the daily rollup (days in
 * `timeZone`). Setting the status it already has changes nothing but is still reported, as
 * Statuspage lists components an update named even when unchanged.
 */
export async function setComponentStatus(
  tx: Executor,
  component: { id: string; name: string; status: ComponentStatus },
  status: ComponentStatus,
  at: Date,
  timeZone: string,
): Promise<ComponentChange> {
  const change: ComponentChange = {
    componentId: component.id,
    name: component.name,
    oldStatus: component.status,
    newStatus: status,
  };
  if (component.status === status) return change;
  await tx.update(components).set({ status, updatedAt: at }).where(eq(components.id, component.id));
  const ended = await tx
    .update(componentStatusHistory)
    .set({ endedAt: at })
    .where(
      and(
        eq(componentStatusHistory.componentId, component.id),
        isNull(componentStatusHistory.endedAt),
      ),
    )
    .returning();
  for (const interval of ended) {
    await addToRollup(tx, component.id, interval.status, interval.startedAt, at, timeZone);
  }
  await tx
    .insert(componentStatusHistory)
    .values({ componentId: component.id, status, startedAt: at });
  return change;
}

/** Opens the first history interval of a new component. */
export async function startStatusHistory(
  tx: Executor,
  componentId: string,
  status: ComponentStatus,
  at: Date,
): Promise<void> {
  await tx.insert(componentStatusHistory).values({ componentId, status, startedAt: at });
}

/** Adds a closed interval's share of each day to the component's daily rollup. */
export async function addToRollup(
  tx: Executor,
  componentId: string,
  status: ComponentStatus,
  start: Date,
  end: Date,
  timeZone: string,
): Promise<void> {
  const added = new Map<string, DayFigure>();
  addInterval(added, status, start, end, timeZone);
  if (added.size === 0) return;
  const existing = await tx
    .select()
    .from(componentDailyRollup)
    .where(
      and(
        eq(componentDailyRollup.componentId, componentId),
        inArray(componentDailyRollup.day, [...added.keys()]),
      ),
    );
  const merged = new Map<string, DayFigure>(
    existing.map((row) => [
      row.day,
      {
        day: row.day,
        worst: row.worstStatus,
        downtimeMs: row.downtimeMs,
        observedMs: row.observedMs,
      },
    ]),
  );
  addInterval(merged, status, start, end, timeZone);
  for (const day of added.keys()) {
    const figure = merged.get(day) as DayFigure;
    const values = {
      worstStatus: figure.worst ?? status,
      downtimeMs: Math.round(figure.downtimeMs),
      observedMs: figure.observedMs,
    };
    await tx
      .insert(componentDailyRollup)
      .values({ componentId, day, ...values })
      .onConflictDoUpdate({
        target: [componentDailyRollup.componentId, componentDailyRollup.day],
        set: values,
      });
  }
}
