import { and, asc, eq, gte, inArray, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import {
  componentDailyRollup,
  componentStatusHistory,
  components,
  incidentComponents,
  incidents,
} from '#db/schema/index.ts';
import type { ComponentStatus } from '#domain/enums.ts';
import { addDays } from '#domain/time.ts';
import type { DayFigure, DayWindow } from '#domain/uptime.ts';

/** How many days the bars show. */
export const barDays = 90;

/** When a public incident ran and which components it named. */
export interface IncidentSpan {
  startedAt: Date;
  resolvedAt: Date | null;
  componentIds: string[];
}

/**
 * What the bars are computed from: the daily rollup of closed intervals, each component's open
 * interval, and the public incidents that may touch the window. Rows outside the current window
 * may be present; the uptime store ignores them.
 */
export interface UptimeInputs {
  /** By component, then by day. */
  closed: Map<string, Map<string, DayFigure>>;
  open: Map<string, { id: number; status: ComponentStatus; startedAt: Date }>;
  incidents: Map<string, IncidentSpan>;
}

/** Days of the rollup read per query: a whole window at once is 45,000 rows in memory together. */
const daysPerRead = 10;

/** The rolled-up days of a window, by component; of some components only, when named. */
export async function readClosedDays(
  db: Database,
  window: DayWindow,
  componentIds?: readonly string[],
): Promise<UptimeInputs['closed']> {
  const firstDay = window.days[0] as string;
  const lastDay = window.days.at(-1) as string;
  const closed: UptimeInputs['closed'] = new Map();
  // In spans of days (the day index finds each), so the rows of one span are garbage before
  // the next is read: the start-up's peak memory follows one span, not the window.
  for (let from = firstDay; from <= lastDay; from = addDays(from, daysPerRead)) {
    const rows = await db
      .select()
      .from(componentDailyRollup)
      .where(
        and(
          gte(componentDailyRollup.day, from),
          lt(componentDailyRollup.day, addDays(from, daysPerRead)),
          componentIds ? inArray(componentDailyRollup.componentId, [...componentIds]) : undefined,
        ),
      );
    for (const row of rows) {
      const days = closed.get(row.componentId) ?? new Map<string, DayFigure>();
      days.set(row.day, {
        day: row.day,
        worst: row.worstStatus,
        downtimeMs: row.downtimeMs,
        observedMs: row.observedMs,
      });
      closed.set(row.componentId, days);
    }
  }
  return closed;
}

/** Every component's open interval (one per component; a partial index holds them). */
export async function readOpenIntervals(db: Database): Promise<UptimeInputs['open']> {
  const rows = await db
    .select({
      id: componentStatusHistory.id,
      componentId: componentStatusHistory.componentId,
      status: componentStatusHistory.status,
      startedAt: componentStatusHistory.startedAt,
    })
    .from(componentStatusHistory)
    .where(isNull(componentStatusHistory.endedAt));
  return new Map(rows.map(({ componentId, ...interval }) => [componentId, interval]));
}

/**
 * Public incidents unresolved or resolved since `windowStart`, with their components; of some
 * incidents only, when named (an incident named but not returned no longer touches the window).
 */
export async function readIncidentSpans(
  db: Database,
  windowStart: Date,
  incidentIds?: readonly string[],
): Promise<Map<string, IncidentSpan>> {
  const where: SQL | undefined = and(
    eq(incidents.audience, 'public'),
    or(isNull(incidents.resolvedAt), gte(incidents.resolvedAt, windowStart)),
    incidentIds ? inArray(incidents.id, [...incidentIds]) : undefined,
  );
  const rows = await db
    .select({
      id: incidents.id,
      startedAt: incidents.startedAt,
      resolvedAt: incidents.resolvedAt,
      componentId: incidentComponents.componentId,
    })
    .from(incidents)
    .leftJoin(incidentComponents, eq(incidentComponents.incidentId, incidents.id))
    .where(where);
  const spans = new Map<string, IncidentSpan>();
  for (const row of rows) {
    const span = spans.get(row.id) ?? {
      startedAt: row.startedAt,
      resolvedAt: row.resolvedAt,
      componentIds: [],
    };
    if (row.componentId !== null) span.componentIds.push(row.componentId);
    spans.set(row.id, span);
  }
  return spans;
}

/** Reads all the inputs of a window. */
export async function readUptimeInputs(db: Database, window: DayWindow): Promise<UptimeInputs> {
  return {
    closed: await readClosedDays(db, window),
    open: await readOpenIntervals(db),
    incidents: await readIncidentSpans(db, new Date(window.bounds[0] as number)),
  };
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
