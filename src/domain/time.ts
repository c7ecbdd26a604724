// Time arithmetic over IANA time zones, with Intl only: no clock is read here.

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows this IANA time zone name. */
export function isTimeZone(name: string): boolean {
  try {
    offsetFormatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `date`, in minutes (east positive). */
export function zoneOffsetMinutes(date: Date, timeZone: string): number {
  const name = offsetFormatter(timeZone)
    .formatToParts(date)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = name?.match(/^GMT([+-])(\d{2}):?(\d{2})?$/);
  if (!match) return 0; // "GMT" alone: UTC itself
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === '-' ? -minutes : minutes;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * ISO 8601 with milliseconds and the zone's offset, as Statuspage writes timestamps; `Z` when the
 * offset is zero.
 * @example isoInZone(new Date('2021-12-07T18:07:15.773Z'), 'America/Denver') // '2021-12-07T11:07:15.773-07:00'
 */
export function isoInZone(date: Date, timeZone: string): string {
  const offset = zoneOffsetMinutes(date, timeZone);
  if (offset === 0) return date.toISOString();
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, -1);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The calendar date (YYYY-MM-DD) of `date` in the zone. */
export function dateInZone(date: Date, timeZone: string): string {
  return isoInZone(date, timeZone).slice(0, 10);
}

/** The month (YYYY-MM) of `date` in the zone: history pages group incidents by it. */
export function monthInZone(date: Date, timeZone: string): string {
  return isoInZone(date, timeZone).slice(0, 7);
}

/** Adds months to a YYYY-MM month. */
export function addMonths(month: string, count: number): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (monthNumber - 1) + count;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

/** The instant a YYYY-MM month begins in the zone (its first day at 00:00 local time). */
export function startOfMonthInZone(month: string, timeZone: string): Date {
  return startOfDayInZone(`${month}-01`, timeZone);
}

/** Adds days to a YYYY-MM-DD date. */
export function addDays(day: string, count: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + count)).toISOString().slice(0, 10);
}

/** The instant a YYYY-MM-DD day begins in the zone (00:00 local time). */
export function startOfDayInZone(day: string, timeZone: string): Date {
  const [year, monthNumber, date] = day.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(year, monthNumber - 1, date);
  // The offset at local midnight may differ from the offset at UTC midnight across a DST change:
  // a second pass with the first guess settles it.
  let guess = utcMidnight - zoneOffsetMinutes(new Date(utcMidnight), timeZone) * 60_000;
  guess = utcMidnight - zoneOffsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
}

/**
 * The instant a wall-clock time (`YYYY-MM-DDTHH:MM`, as a datetime-local field sends it) names in
 * the zone; null when the text is not such a time.
 * @example instantOfLocalTime('2026-03-29T02:30', 'Europe/London') // 2026-03-29T01:30:00Z
 */
export function instantOfLocalTime(local: string, timeZone: string): Date | null {
  const match = local.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/);
  if (!match) return null;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  date.setUTCFullYear(y); // Date.UTC would read years below 100 as 19xx
  // Date.UTC rolls 31 February over into March: a day or time that does not exist is refused.
  const fields = [
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  ];
  if (fields.join() !== [y, mo, d, h, mi, s].join()) return null;
  const wall = date.getTime();
  let guess = wall - zoneOffsetMinutes(new Date(wall), timeZone) * 60_000;
  guess = wall - zoneOffsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
}

/** The wall-clock time of `date` in the zone, for a datetime-local field (`YYYY-MM-DDTHH:MM`). */
export function localTimeInZone(date: Date, timeZone: string): string {
  return isoInZone(date, timeZone).slice(0, 16);
}
