// Dates and durations for people, in the site's time zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', { timeZone, ...options });
    formatters.set(key, found);
  }
  return found;
}

/** "Nov 27, 2026, 14:05 GMT+1" ("EST", "PST" for US zones: the zone names en-US knows). */
export function formatDateTime(date: Date, timeZone: string): string {
  return formatter(timeZone, {
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(date);
}

/** "14:05 GMT+1" */
export function formatTime(date: Date, timeZone: string): string {
  return formatter(timeZone, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(date);
}

/** "November 2026" for a YYYY-MM month. */
export function formatMonth(month: string): string {
  return formatter('UTC', { month: 'long', year: 'numeric' }).format(
    new Date(`${month}-01T12:00:00Z`),
  );
}

/**
 * A duration in words, to the minute.
 * @example formatDuration(95 * 60_000) // '1 h 35 min'
 */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

const shortMonths = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/**
 * "Sep 3" for a YYYY-MM-DD day, as en-US writes it. Spelled out rather than asked of Intl: a
 * large status page names 2,000 days in bars.
 */
export function formatDay(day: string): string {
  const month = shortMonths[Number(day.slice(5, 7)) - 1];
  return `${month} ${Number(day.slice(8, 10))}`;
}

/** "Sep 3, 2026" for a YYYY-MM-DD day. */
export function formatLongDay(day: string): string {
  return formatter('UTC', { month: 'short', day: 'numeric', year: 'numeric' }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/**
 * A maintenance window in one zone, the date said once when it fits in one day.
 * @example formatWindow(start, end, 'Etc/UTC') // 'Nov 28, 2026, 02:00 – 04:00 UTC'
 */
export function formatWindow(start: Date, end: Date, timeZone: string): string {
  const day = (date: Date) =>
    formatter(timeZone, { month: 'short', day: 'numeric', year: 'numeric' }).format(date);
  if (day(start) === day(end)) {
    const hours = formatter(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return `${day(start)}, ${hours.format(start)} – ${formatTime(end, timeZone)}`;
  }
  return `${formatDateTime(start, timeZone)} – ${formatDateTime(end, timeZone)}`;
}
