import { inArray, sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { incidents, maintenances } from '#db/schema/index.ts';
import { addMonths, monthInZone } from '#domain/time.ts';
import {
  listedMaintenance,
  loadPublicIncidents,
  loadPublicMaintenances,
  type PublicCatalogue,
  pageInfo,
  type SiteInfo,
} from './load-public.ts';
import type { PublicHistoryPage, PublicIncident, PublicMaintenance } from './public-model.ts';

/**
 * How many incidents and maintenances one history page shows. Pages hold a count, not a span of
 * months: a page of three months is empty on a quiet site and megabytes on a busy one.
 */
export const eventsPerPage = 25;

const eventStart = (event: PublicIncident | PublicMaintenance) =>
  event.kind === 'incident' ? event.startedAt : event.scheduledFor;

/**
 * A page of incident history, newest first: page N holds events (N-1)·25 to N·25 by their start,
 * incidents and maintenances together, under the headings of their months; months between them
 * without any are shown as such, and page 1 begins with the current month. SQLite reads the page
 * by merging the two tables' (audience, start) indexes.
 */
export async function loadPublicHistory(
  db: Database,
  catalogue: PublicCatalogue,
  info: SiteInfo,
  pageNumber: number,
  now: Date,
): Promise<PublicHistoryPage> {
  const zone = info.site.time_zone;
  const rows = await db.all<{ kind: 'incident' | 'maintenance'; id: string }>(sql`
    SELECT 'incident' AS kind, ${incidents.id} AS id, ${incidents.startedAt} AS at
      FROM ${incidents} WHERE ${incidents.audience} = 'public'
    UNION ALL
    SELECT 'maintenance', ${maintenances.id}, ${maintenances.scheduledFor}
      FROM ${maintenances} WHERE ${listedMaintenance}
    ORDER BY 3 DESC
    LIMIT ${eventsPerPage + 1} OFFSET ${(pageNumber - 1) * eventsPerPage}`);
  const onPage = rows.slice(0, eventsPerPage);
  const idsOf = (kind: string) => onPage.filter((row) => row.kind === kind).map((row) => row.id);
  const events = [
    ...(await loadPublicIncidents(
      db,
      inArray(incidents.id, idsOf('incident')),
      catalogue.visibleIds,
    )),
    ...(await loadPublicMaintenances(
      db,
      inArray(maintenances.id, idsOf('maintenance')),
      catalogue.visibleIds,
    )),
  ].sort((a, b) => eventStart(b).getTime() - eventStart(a).getTime());

  const first = events[0];
  const last = events.at(-1);
  const months: PublicHistoryPage['months'] = [];
  if (first && last) {
    const newest = pageNumber === 1 ? monthInZone(now, zone) : monthInZone(eventStart(first), zone);
    const oldest = monthInZone(eventStart(last), zone);
    for (let month = newest; month >= oldest; month = addMonths(month, -1)) {
      months.push({
        month,
        events: events.filter((event) => monthInZone(eventStart(event), zone) === month),
      });
    }
  } else if (pageNumber === 1) {
    months.push({ month: monthInZone(now, zone), events: [] });
  }
  return {
    page: pageInfo(info, now),
    months,
    pageNumber,
    hasOlder: rows.length > eventsPerPage,
  };
}
