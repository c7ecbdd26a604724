import type { Database } from '#db/client.ts';
import { addMonths, monthInZone, startOfMonthInZone } from '#domain/time.ts';
import {
  hasPublicEventsBefore,
  loadPublicEventsBetween,
  pageInfo,
  type SiteInfo,
} from './load-public.ts';
import type { PublicHistoryPage } from './public-model.ts';

/** How many months one history page shows, as Statuspage's history does. */
export const monthsPerPage = 3;

const eventStart = (event: { kind: string; startedAt?: Date | null; scheduledFor?: Date }) =>
  (event.kind === 'incident' ? event.startedAt : event.scheduledFor) as Date;

/**
 * A page of incident history: page 1 is this month and the two before it, in the site's time
 * zone; page 2 the three before those, and so on. Reads only that window, by index.
 */
export async function loadPublicHistory(
  db: Database,
  info: SiteInfo,
  pageNumber: number,
  now: Date,
): Promise<PublicHistoryPage> {
  const zone = info.site.time_zone;
  const newest = addMonths(monthInZone(now, zone), -(pageNumber - 1) * monthsPerPage);
  const months = Array.from({ length: monthsPerPage }, (_, i) => addMonths(newest, -i));
  const oldest = months[months.length - 1] as string;
  const from = startOfMonthInZone(oldest, zone);
  const to = startOfMonthInZone(addMonths(newest, 1), zone);
  const events = await loadPublicEventsBetween(db, from, to);
  const all = [...events.incidents, ...events.maintenances].sort(
    (a, b) => eventStart(b).getTime() - eventStart(a).getTime(),
  );
  return {
    page: pageInfo(info, now),
    months: months.map((month) => ({
      month,
      events: all.filter((event) => monthInZone(eventStart(event), zone) === month),
    })),
    pageNumber,
    hasOlder: await hasPublicEventsBefore(db, from),
  };
}
