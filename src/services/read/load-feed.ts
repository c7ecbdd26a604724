import { and, desc, eq, inArray, max, sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import {
  incidentComponents,
  incidents,
  incidentUpdates,
  maintenanceComponents,
  maintenances,
  maintenanceUpdates,
} from '#db/schema/index.ts';
import {
  listedMaintenance,
  loadPublicIncidents,
  loadPublicMaintenances,
  type PublicCatalogue,
} from './load-public.ts';
import type { PublicComponent, PublicIncident, PublicMaintenance } from './public-model.ts';

/** Entries in a component's feed, as in the site's. */
export const componentFeedLimit = 25;

/** What a component's history feed shows. */
export interface PublicComponentHistory {
  component: PublicComponent;
  /** At most 25, by their latest public update. */
  incidents: PublicIncident[];
  /** At most 25: upcoming ones by the start of their window, the others by their latest update. */
  maintenances: PublicMaintenance[];
}

/**
 * The public incidents and maintenances that touched one public component, the 25 most recent of
 * each by the date their feed entry carries (the renderer merges them and keeps 25). Null for an
 * internal or unknown component: both answer 404, alike.
 * @example await loadPublicComponentHistory(db, catalogue, 'kctbh9vrtdwd') // { component, incidents, maintenances }
 */
export async function loadPublicComponentHistory(
  db: Database,
  catalogue: PublicCatalogue,
  componentId: string,
): Promise<PublicComponentHistory | null> {
  const component = catalogue.components.find((c) => c.id === componentId);
  if (!component) return null;

  // Ranked in SQL so that only 25 of each are read, whatever the component's history holds.
  // Only public updates count: an internal note must not move an incident up the feed.
  const latestIncidents = db
    .select({ id: incidentComponents.incidentId })
    .from(incidentComponents)
    .innerJoin(
      incidents,
      and(eq(incidents.id, incidentComponents.incidentId), eq(incidents.audience, 'public')),
    )
    .leftJoin(
      incidentUpdates,
      and(
        eq(incidentUpdates.incidentId, incidentComponents.incidentId),
        eq(incidentUpdates.audience, 'public'),
      ),
    )
    .where(eq(incidentComponents.componentId, componentId))
    .groupBy(incidentComponents.incidentId)
    .orderBy(desc(sql`coalesce(${max(incidentUpdates.displayAt)}, ${incidents.startedAt})`))
    .limit(componentFeedLimit);
  const latestMaintenances = db
    .select({ id: maintenanceComponents.maintenanceId })
    .from(maintenanceComponents)
    .innerJoin(
      maintenances,
      and(eq(maintenances.id, maintenanceComponents.maintenanceId), listedMaintenance),
    )
    .leftJoin(
      maintenanceUpdates,
      and(
        eq(maintenanceUpdates.maintenanceId, maintenanceComponents.maintenanceId),
        eq(maintenanceUpdates.audience, 'public'),
      ),
    )
    .where(eq(maintenanceComponents.componentId, componentId))
    .groupBy(maintenanceComponents.maintenanceId)
    .orderBy(
      desc(
        sql`case when ${maintenances.status} = 'scheduled' then ${maintenances.scheduledFor} else coalesce(${max(maintenanceUpdates.displayAt)}, ${maintenances.startedAt}, ${maintenances.scheduledFor}) end`,
      ),
    )
    .limit(componentFeedLimit);

  const [incidentList, maintenanceList] = await Promise.all([
    loadPublicIncidents(db, inArray(incidents.id, latestIncidents), catalogue.visibleIds),
    loadPublicMaintenances(db, inArray(maintenances.id, latestMaintenances), catalogue.visibleIds),
  ]);
  return { component, incidents: incidentList, maintenances: maintenanceList };
}
