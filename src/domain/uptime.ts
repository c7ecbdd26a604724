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
 * A run of calendar days in a zone with the instant each begins (`bounds[i]`) and the instant the
 * last one ends (`bounds[days.length]`). Working out the zone's days costs an Intl call each;
 * done once per window, placing any instant in it is a binary search.
 */
export interface DayWindow {
  days: string[];
  bounds: number[];
}

/** The window of `count` days ending with the day `now` falls on. */
export function dayWindow(now: Date, count: number, timeZone: string): DayWindow {
  const days = lastDays(now, count, timeZone);
  const after = addDays(days.at(-1) ?? dateInZone(now, timeZone), 1);
  const bounds = [...days, after].map((day) => startOfDayInZone(day, timeZone).getTime());
  return { days, bounds };
}

/**
 * The index of the day holding instant `t`: -1 before the window, `days.length` after it.
 * @example dayIndexAt(dayWindow(new Date('2026-05-03T12:00Z'), 2, 'Etc/UTC'), Date.parse('2026-05-02T08:00Z')) // 0
 */
export function dayIndexAt(window: DayWindow, t: number): number {
  const { bounds } = window;
  if (t < (bounds[0] as number)) return -1;
  let low = 0;
  let high = bounds.length - 1;
  // Invariant: bounds[low] <= t < bounds[high] (or t past the end).
  if (t >= (bounds[high] as number)) return window.days.length;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if ((bounds[middle] as number) <= t) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * Figures for each day of a window: the rolled-up closed intervals plus the open interval's
 * share up to `now`. Days with nothing observed have `worst: null` ("no data").
 */
export function dailyFigures(input: {
  window: DayWindow;
  closed: Iterable<DayFigure>;
  open: StatusInterval | null;
  now: Date;
}): DayFigure[] {
  const { days, bounds } = input.window;
  const figures: DayFigure[] = days.map((day) => ({
    day,
    worst: null,
    downtimeMs: 0,
    observedMs: 0,
  }));
  const first = Date.parse(days[0] ?? '');
  for (const figure of input.closed) {
    // Consecutive calendar days: a day's distance from the first one is its place.
    const index = Math.round((Date.parse(figure.day) - first) / 86_400_000);
    if (index >= 0 && index < days.length) figures[index] = { ...figure };
  }
  const open = input.open;
  const now = input.now.getTime();
  if (open && open.start.getTime() < now) {
    // Only the window matters: an interval open for a year adds its last days, not 365.
    const from = Math.max(dayIndexAt(input.window, open.start.getTime()), 0);
    const to = Math.min(dayIndexAt(input.window, now), days.length - 1);
    for (let i = from; i <= to; i++) {
      const ms =
        Math.min(bounds[i + 1] as number, now) -
        Math.max(bounds[i] as number, open.start.getTime());
      if (ms <= 0) continue;
      const figure = figures[i] as DayFigure;
      figure.worst = figure.worst === null ? open.status : worstStatus([figure.worst, open.status]);
      figure.downtimeMs += ms * downtimeWeight[open.status];
      figure.observedMs += ms;
    }
  }
  return figures;
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
