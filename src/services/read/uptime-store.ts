import type { Database } from '#db/client.ts';
import { dateInZone } from '#domain/time.ts';
import {
  combineDays,
  type DayFigure,
  type DayWindow,
  dailyFigures,
  dayIndexAt,
  dayWindow,
  type StatusInterval,
  uptimePercent,
} from '#domain/uptime.ts';
import type { ChangeTag } from '../context.ts';
import {
  barDays,
  type IncidentSpan,
  readClosedDays,
  readIncidentSpans,
  readOpenIntervals,
  readUptimeInputs,
  type UptimeInputs,
} from './load-uptime.ts';
import type { ComponentUptime, DayBar } from './public-model.ts';

/** The last 90 days of public components and groups, by id, worked out when asked for. */
export interface UptimeLookup {
  get(id: string): ComponentUptime | undefined;
}

/** What is kept of a component's or group's days before today. */
interface PastDays {
  key: string;
  figures: DayFigure[];
  bars: DayBar[];
}

const noIncidents: readonly string[] = Object.freeze([]);

/**
 * The uptime bars, kept in memory and brought up to date by what changed rather than worked out
 * again: with 500 components the window is 45,000 rollup rows, far too slow to read and add up
 * for every render.
 *
 * Inputs: a change re-reads the open intervals (one row per component, from a partial index); a
 * component whose open interval is no longer the same one has closed it, which is the only way
 * its rollup grows, so its rolled-up days are read again. A changed incident re-reads that
 * incident. `*` (a rebuilt rollup, synced content, a missed change feed) reads everything.
 *
 * Figures: the days before today only change when those inputs do, so they are kept per
 * component (and per group, from its children) under a key of the window and the component's
 * version; today, which grows with the clock, is worked out on every read.
 */
export function createUptimeStore(db: Database, timeZone: string) {
  let inputs: UptimeInputs | null = null;
  let reloadAll = true;
  let reopen = false;
  const changedIncidents = new Set<string>();
  let refreshing: Promise<void> | null = null;

  // A component's version moves when anything of its days before today may have changed.
  let generation = 0;
  const versions = new Map<string, number>();
  const bump = (ids: Iterable<string>) => {
    for (const id of ids) versions.set(id, (versions.get(id) ?? 0) + 1);
  };
  const past = new Map<string, PastDays>();
  let pastIncidents: { key: string; byComponent: Map<string, string[][]> } | null = null;
  // The incidents that may touch today: open ones and those resolved since today began.
  let todaysSpans: { key: string; spans: Map<string, IncidentSpan> } | null = null;

  // The window's days and bounds take 180 Intl calls to work out: once a day is enough.
  let lastWindow: { today: string; window: DayWindow } | null = null;
  const windowOf = (now: Date): DayWindow => {
    const today = dateInZone(now, timeZone);
    if (lastWindow?.today !== today) {
      lastWindow = { today, window: dayWindow(now, barDays, timeZone) };
    }
    return lastWindow.window;
  };

  async function refresh(now: Date): Promise<void> {
    // Take the pending work first: a change announced while this runs is kept for the next one.
    const all = reloadAll || inputs === null;
    const incidentIds = [...changedIncidents];
    const openChanged = reopen;
    reloadAll = false;
    reopen = false;
    changedIncidents.clear();
    try {
      if (all || !inputs) {
        inputs = await readUptimeInputs(db, windowOf(now));
        generation++;
        past.clear();
        pastIncidents = null;
        todaysSpans = null;
        return;
      }
      const window = windowOf(now);
      if (openChanged) {
        const open = await readOpenIntervals(db);
        const closedSince = [...new Set([...open.keys(), ...inputs.open.keys()])].filter(
          (id) => open.get(id)?.id !== inputs?.open.get(id)?.id,
        );
        if (closedSince.length > 0) {
          const days = await readClosedDays(db, window, closedSince);
          for (const id of closedSince) inputs.closed.set(id, days.get(id) ?? new Map());
          // A status set now leaves the days before today as they were; one set in the past
          // (no service does so today) would not, and costs only a recount here.
          bump(closedSince);
        }
        inputs.open = open;
      }
      if (incidentIds.length > 0) {
        const spans = await readIncidentSpans(
          db,
          new Date(window.bounds[0] as number),
          incidentIds,
        );
        for (const id of incidentIds) {
          const before = inputs.incidents.get(id);
          const after = spans.get(id);
          if (sameSpan(before, after)) continue;
          bump([...(before?.componentIds ?? []), ...(after?.componentIds ?? [])]);
          if (after) inputs.incidents.set(id, after);
          else inputs.incidents.delete(id);
          pastIncidents = null;
          todaysSpans = null;
        }
      }
    } catch (error) {
      // Whatever was taken is not known to be applied: read everything next time.
      reloadAll = true;
      throw error;
    }
  }

  /** The inputs, brought up to date with every change announced before this call. */
  async function current(now: Date): Promise<UptimeInputs> {
    while (reloadAll || reopen || changedIncidents.size > 0 || !inputs) {
      if (!refreshing) {
        refreshing = refresh(now).finally(() => {
          refreshing = null;
        });
      }
      await refreshing;
    }
    return inputs;
  }

  return {
    async lookup(
      now: Date,
      catalogue: {
        componentIds: readonly string[];
        groups: readonly { id: string; componentIds: readonly string[] }[];
      },
    ): Promise<UptimeLookup> {
      const data = await current(now);
      const window = windowOf(now);
      const last = window.days.length - 1;
      // The days before today, and today alone.
      const before: DayWindow = {
        days: window.days.slice(0, last),
        bounds: window.bounds.slice(0, last + 1),
      };
      const today: DayWindow = { days: window.days.slice(last), bounds: window.bounds.slice(last) };
      const startOfToday = new Date(window.bounds[last] as number);
      const windowKey = `${generation}:${before.days[0]}`;

      const incidentsBefore = () => {
        if (pastIncidents?.key !== windowKey) {
          pastIncidents = {
            key: windowKey,
            byComponent: incidentDays(data.incidents, before, startOfToday),
          };
        }
        return pastIncidents.byComponent;
      };
      if (todaysSpans?.key !== windowKey) {
        const start = startOfToday.getTime();
        todaysSpans = {
          key: windowKey,
          spans: new Map(
            [...data.incidents].filter(
              ([, span]) => span.resolvedAt === null || span.resolvedAt.getTime() >= start,
            ),
          ),
        };
      }
      const incidentsToday = incidentDays(todaysSpans.spans, today, now);

      const openInterval = (id: string): StatusInterval | null => {
        const interval = data.open.get(id);
        return interval ? { status: interval.status, start: interval.startedAt, end: null } : null;
      };
      const componentPast = (id: string): PastDays => {
        const key = `${windowKey}:${versions.get(id) ?? 0}`;
        const kept = past.get(id);
        if (kept?.key === key) return kept;
        const figures = dailyFigures({
          window: before,
          closed: data.closed.get(id)?.values() ?? [],
          open: openInterval(id),
          now: startOfToday,
        });
        const incidents = incidentsBefore().get(id);
        const entry = { key, figures, bars: barsOf(figures, (day) => incidents?.[day]) };
        past.set(id, entry);
        return entry;
      };
      const todayDay = today.days[0] as string;
      const componentToday = (id: string): DayFigure => {
        const closedToday = data.closed.get(id)?.get(todayDay);
        return dailyFigures({
          window: today,
          closed: closedToday ? [closedToday] : [],
          open: openInterval(id),
          now,
        })[0] as DayFigure;
      };

      const newestFirst = newestFirstOf(data.incidents);
      const wanted = new Set(catalogue.componentIds);
      const groups = new Map(catalogue.groups.map((group) => [group.id, group.componentIds]));
      const made = new Map<string, ComponentUptime>();
      return {
        get(id) {
          const done = made.get(id);
          if (done) return done;
          let uptime: ComponentUptime;
          if (wanted.has(id)) {
            uptime = summarise(
              componentPast(id),
              componentToday(id),
              incidentsToday.get(id)?.[0] ?? noIncidents,
            );
          } else {
            const children = groups.get(id);
            if (!children) return undefined;
            const key = `${windowKey}:${children.map((child) => `${child}@${versions.get(child) ?? 0}`).join(',')}`;
            let kept = past.get(id);
            if (kept?.key !== key) {
              const parts = children.map(componentPast);
              const figures = combineDays(parts.map((part) => part.figures));
              const bars = barsOf(figures, (day) =>
                union(
                  parts.map((part) => part.bars[day]?.incidentIds),
                  newestFirst,
                ),
              );
              kept = { key, figures, bars };
              past.set(id, kept);
            }
            const [todayFigure] = combineDays(children.map((child) => [componentToday(child)]));
            uptime = summarise(
              kept,
              todayFigure as DayFigure,
              union(
                children.map((child) => incidentsToday.get(child)?.[0]),
                newestFirst,
              ),
            );
          }
          made.set(id, uptime);
          return uptime;
        },
      };
    },

    changed(tags: readonly ChangeTag[]): void {
      for (const tag of tags) {
        if (tag === '*') reloadAll = true;
        // Every write that moves a component's status says `catalogue` (see publicChangeTo).
        else if (tag === 'catalogue') reopen = true;
        else if (tag.startsWith('incident:')) changedIncidents.add(tag.slice('incident:'.length));
      }
    },
  };
}

export type UptimeStore = ReturnType<typeof createUptimeStore>;

function sameSpan(a: IncidentSpan | undefined, b: IncidentSpan | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.startedAt.getTime() === b.startedAt.getTime() &&
    a.resolvedAt?.getTime() === b.resolvedAt?.getTime() &&
    a.componentIds.length === b.componentIds.length &&
    a.componentIds.every((id, i) => b.componentIds[i] === id)
  );
}

/** Which incidents touched each component on each day of `window`, counting up to `until`. */
function incidentDays(
  spans: ReadonlyMap<string, IncidentSpan>,
  window: DayWindow,
  until: Date,
): Map<string, string[][]> {
  const byComponent = new Map<string, string[][]>();
  const last = window.days.length - 1;
  for (const [id, span] of spans) {
    if (span.startedAt.getTime() >= until.getTime()) continue;
    const from = Math.max(dayIndexAt(window, span.startedAt.getTime()), 0);
    const to = Math.min(dayIndexAt(window, (span.resolvedAt ?? until).getTime()), last);
    if (to < 0 || from > last) continue;
    for (const componentId of span.componentIds) {
      let perDay = byComponent.get(componentId);
      if (!perDay) {
        perDay = window.days.map(() => []);
        byComponent.set(componentId, perDay);
      }
      for (let day = from; day <= to; day++) {
        const ids = perDay[day] as string[];
        if (!ids.includes(id)) ids.push(id);
      }
    }
  }
  const newestFirst = newestFirstOf(spans);
  for (const perDay of byComponent.values()) for (const ids of perDay) ids.sort(newestFirst);
  return byComponent;
}

/** Orders incident ids by when they started, newest first (then by id): the order of a day. */
function newestFirstOf(spans: ReadonlyMap<string, IncidentSpan>) {
  const start = (id: string) => spans.get(id)?.startedAt.getTime() ?? 0;
  return (a: string, b: string) => start(b) - start(a) || (a < b ? -1 : a > b ? 1 : 0);
}

function barsOf(
  figures: readonly DayFigure[],
  incidentsOf: (day: number) => readonly string[] | undefined,
): DayBar[] {
  return figures.map((figure, day) => ({
    day: figure.day,
    worst: figure.worst,
    downtimeMs: figure.downtimeMs,
    incidentIds: [...(incidentsOf(day) ?? noIncidents)],
  }));
}

function union(
  lists: readonly (readonly string[] | undefined)[],
  order: (a: string, b: string) => number,
): string[] {
  const all = new Set<string>();
  for (const list of lists) for (const id of list ?? noIncidents) all.add(id);
  return [...all].sort(order);
}

/** Uptime over the last 30 and 90 days from the days before today and today. */
function summarise(
  pastDays: PastDays,
  today: DayFigure,
  incidentsToday: readonly string[],
): ComponentUptime {
  const figures = [...pastDays.figures, today];
  return {
    past: pastDays.bars,
    days: [
      ...pastDays.bars,
      {
        day: today.day,
        worst: today.worst,
        downtimeMs: today.downtimeMs,
        incidentIds: [...incidentsToday],
      },
    ],
    uptime30: uptimePercent(figures.slice(-30)),
    uptime90: uptimePercent(figures),
  };
}
