import { and, asc, eq, gte, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import {
  componentDailyRollup,
  componentStatusHistory,
  components,
  incidentComponents,
  incidents,
} from '#db/schema/index.ts';
import { addDays, dateInZone, startOfDayInZone } from '#domain/time.ts';
import {
  combineDays,
  type DayFigure,
  dailyFigures,
  lastDays,
  uptimePercent,
} from '#domain/uptime.ts';
import type { ComponentUptime, DayBar } from './public-model.ts';

/** How many days the bars show. */
export const barDays = 90;

/**
 * Uptime for public components and groups over the last 90 days: the daily rollup of closed
 * intervals, the open interval of each component, and the public incidents of each day. A fixed
 * number of queries whatever the length of the history.
 */
export async function loadPublicUptime(
  db: Database,
  input: {
    componentIds: readonly string[];
    groups: readonly { id: string; componentIds: readonly string[] }[];
    now: Date;
    timeZone: string;
  },
): Promise<Map<string, ComponentUptime>> {
  const { now, timeZone } = input;
  const days = lastDays(now, barDays, timeZone);
  const firstDay = days[0] as string;
  const windowStart = startOfDayInZone(firstDay, timeZone);
  const wanted = new Set(input.componentIds);

  const closed = new Map<string, DayFigure[]>();
  for (const row of await db
    .select()
    .from(componentDailyRollup)
    .where(gte(componentDailyRollup.day, firstDay))) {
    if (!wanted.has(row.componentId)) continue;
    const list = closed.get(row.componentId) ?? [];
    list.push({
      day: row.day,
      worst: row.worstStatus,
      downtimeMs: row.downtimeMs,
      observedMs: row.observedMs,
    });
    closed.set(row.componentId, list);
  }
  const open = new Map(
    (
      await db.select().from(componentStatusHistory).where(isNull(componentStatusHistory.endedAt))
    ).map((row) => [row.componentId, row]),
  );

  // Which public incidents touched each component on each day of the window.
  const incidentDays = new Map<string, Map<string, string[]>>();
  const touching = await db
    .select({
      componentId: incidentComponents.componentId,
      id: incidents.id,
      startedAt: incidents.startedAt,
      resolvedAt: incidents.resolvedAt,
    })
    .from(incidentComponents)
    .innerJoin(incidents, eq(incidents.id, incidentComponents.incidentId))
    .where(
      and(
        eq(incidents.audience, 'public'),
        lt(incidents.startedAt, now),
        or(
          isNull(incidents.resolvedAt),
          and(isNotNull(incidents.resolvedAt), gte(incidents.resolvedAt, windowStart)),
        ),
      ),
    );
  for (const row of touching) {
    if (!wanted.has(row.componentId)) continue;
    const perDay = incidentDays.get(row.componentId) ?? new Map<string, string[]>();
    const from = dateInZone(
      new Date(Math.max(row.startedAt.getTime(), windowStart.getTime())),
      timeZone,
    );
    const to = dateInZone(row.resolvedAt ?? now, timeZone);
    for (let day = from; day <= to; day = addDays(day, 1)) {
      const ids = perDay.get(day) ?? [];
      if (!ids.includes(row.id)) ids.push(row.id);
      perDay.set(day, ids);
    }
    incidentDays.set(row.componentId, perDay);
  }

  const figuresById = new Map<string, DayFigure[]>();
  for (const id of input.componentIds) {
    const interval = open.get(id);
    figuresById.set(
      id,
      dailyFigures({
        days,
        closed: closed.get(id) ?? [],
        open: interval ? { status: interval.status, start: interval.startedAt, end: null } : null,
        now,
        timeZone,
      }),
    );
  }

  const result = new Map<string, ComponentUptime>();
  const summarise = (figures: DayFigure[], incidentsOf: (day: string) => string[]) => {
    const bars: DayBar[] = figures.map((figure) => ({
      day: figure.day,
      worst: figure.worst,
      downtimeMs: figure.downtimeMs,
      incidentIds: incidentsOf(figure.day),
    }));
    return {
      days: bars,
      uptime30: uptimePercent(figures.slice(-30)),
      uptime90: uptimePercent(figures),
    };
  };
  for (const [id, figures] of figuresById) {
    result.set(
      id,
      summarise(figures, (day) => incidentDays.get(id)?.get(day) ?? []),
    );
  }
  for (const group of input.groups) {
    const children = group.componentIds.map((id) => figuresById.get(id) ?? []);
    result.set(
      group.id,
      summarise(combineDays(children), (day) => [
        ...new Set(group.componentIds.flatMap((id) => incidentDays.get(id)?.get(day) ?? [])),
      ]),
    );
  }
  return result;
}

/** A public component's whole status history, oldest first; null for unknown or internal ids. */
export async function loadPublicIntervals(db: Database, componentId: string) {
  const [component] = await db
    .select({ id: components.id, name: components.name })
    .from(components)
    .where(and(eq(components.id, componentId), eq(components.audience, 'public')));
  if (!component) return null;
  const intervals = await db
    .select({
      status: componentStatusHistory.status,
      startedAt: componentStatusHistory.startedAt,
      endedAt: componentStatusHistory.endedAt,
    })
    .from(componentStatusHistory)
    .where(eq(componentStatusHistory.componentId, componentId))
    .orderBy(asc(componentStatusHistory.startedAt), asc(componentStatusHistory.id));
  return { component, intervals };
}
