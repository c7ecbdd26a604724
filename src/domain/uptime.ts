import type { ComponentStatus } from './enums.ts';
import { worstStatus } from './status.ts';
import { addDays, dateInZone, startOfDayInZone } from './time.ts';

/**
 * How much of each status counts as downtime. A major outage counts fully. A partial outage
 * hurts some customers and not others: counting it fully would overstate, not at all would
 * understate, so it counts 0.3 (as Instatus does; OpenStatus uses 0.5). Degraded performance
 * works, slowly, and maintenance is planned and announced: both show on the bars but are not
 * downtime.
 */
export const downtimeWeight: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 0,
  degraded_performance: 0,
  partial_outage: 0.3,
  major_outage: 1,
};

/** The formula in words, as the page and docs publish it. */
export const uptimeFormula =
  'Uptime = 1 − downtime ÷ time observed. A major outage counts fully as downtime, a partial outage 30 %; degraded performance and maintenance are shown but do not count as downtime.';

/** What a component's statuses add up to on one day. `worst` is null when it did not exist. */
export interface DayFigure {
  day: string;
  worst: ComponentStatus | null;
  downtimeMs: number;
  observedMs: number;
}

export interface StatusInterval {
  status: ComponentStatus;
  start: Date;
  /** Null while the interval is open. */
  end: Date | null;
}

/**
 * Splits [start, end) into the zone's calendar days, with the milliseconds of each.
 * @example splitByDay(new Date('2026-01-01T23:00Z'), new Date('2026-01-02T01:00Z'), 'Etc/UTC')
 *   // [{ day: '2026-01-01', ms: 3600000 }, { day: '2026-01-02', ms: 3600000 }]
 */
export function splitByDay(
  start: Date,
  end: Date,
  timeZone: string,
): { day: string; ms: number }[] {
  const parts: { day: string; ms: number }[] = [];
  if (end.getTime() <= start.getTime()) return parts;
  let day = dateInZone(start, timeZone);
  let from = start.getTime();
  while (from < end.getTime()) {
    const next = addDays(day, 1);
    const dayEnd = Math.min(startOfDayInZone(next, timeZone).getTime(), end.getTime());
    if (dayEnd > from) parts.push({ day, ms: dayEnd - from });
    from = Math.max(from, dayEnd);
    day = next;
  }
  return parts;
}

/** Adds one interval's contribution to per-day figures, in place. */
export function addInterval(
  figures: Map<string, DayFigure>,
  status: ComponentStatus,
  start: Date,
  end: Date,
  timeZone: string,
): void {
  for (const { day, ms } of splitByDay(start, end, timeZone)) {
    const figure = figures.get(day) ?? { day, worst: null, downtimeMs: 0, observedMs: 0 };
    figure.worst = figure.worst === null ? status : worstStatus([figure.worst, status]);
    figure.downtimeMs += ms * downtimeWeight[status];
    figure.observedMs += ms;
    figures.set(day, figure);
  }
}

/** The `count` days ending with the day `now` falls on, oldest first. */
export function lastDays(now: Date, count: number, timeZone: string): string[] {
  const today = dateInZone(now, timeZone);
  return Array.from({ length: count }, (_, i) => addDays(today, i - count + 1));
}

/**
 * Figures for each day of a window: the rolled-up closed intervals plus the open interval's
 * share up to `now`. Days with nothing observed have `worst: null` ("no data").
 */
export function dailyFigures(input: {
  days: readonly string[];
  closed: readonly DayFigure[];
  open: StatusInterval | null;
  now: Date;
  timeZone: string;
}): DayFigure[] {
  const figures = new Map<string, DayFigure>();
  for (const figure of input.closed) figures.set(figure.day, { ...figure });
  if (input.open && input.open.start.getTime() < input.now.getTime()) {
    const firstDay = input.days[0];
    // Only the window matters: an interval open for a year adds its last days, not 365.
    const from = firstDay
      ? new Date(
          Math.max(
            input.open.start.getTime(),
            startOfDayInZone(firstDay, input.timeZone).getTime(),
          ),
        )
      : input.open.start;
    addInterval(figures, input.open.status, from, input.now, input.timeZone);
  }
  return input.days.map(
    (day) => figures.get(day) ?? { day, worst: null, downtimeMs: 0, observedMs: 0 },
  );
}

/**
 * Uptime in percent over some days, or null when nothing was observed.
 * @example uptimePercent([{ day: 'd', worst: 'major_outage', downtimeMs: 864e4, observedMs: 864e5 }]) // 90
 */
export function uptimePercent(days: readonly DayFigure[]): number | null {
  let downtime = 0;
  let observed = 0;
  for (const day of days) {
    downtime += day.downtimeMs;
    observed += day.observedMs;
  }
  return observed === 0 ? null : 100 * (1 - downtime / observed);
}

/** Sums several components' figures day by day: a group's bars and uptime. */
export function combineDays(series: readonly (readonly DayFigure[])[]): DayFigure[] {
  const [first] = series;
  if (!first) return [];
  return first.map((_, i) => {
    const sameDay = series.map((figures) => figures[i] as DayFigure);
    const present = sameDay.filter((figure) => figure.worst !== null);
    return {
      day: first[i]?.day ?? '',
      worst: present.length ? worstStatus(present.map((f) => f.worst as ComponentStatus)) : null,
      downtimeMs: sameDay.reduce((sum, f) => sum + f.downtimeMs, 0),
      observedMs: sameDay.reduce((sum, f) => sum + f.observedMs, 0),
    };
  });
}

/**
 * Uptime shown to people: two decimals, never rounded up to 100 % while there was downtime.
 * @example formatUptime(99.999) // '99.99 %'
 */
export function formatUptime(percent: number | null): string {
  if (percent === null) return 'no data';
  const floored = Math.floor(percent * 100) / 100;
  return `${floored.toFixed(2)} %`;
}
