import { and, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import {
  componentGroups,
  components,
  incidentComponents,
  incidents,
  incidentUpdates,
  maintenanceComponents,
  maintenances,
  maintenanceUpdates,
  postmortems,
} from '#db/schema/index.ts';
import type { ComponentChange } from '#domain/changes.ts';
import { maintenanceIsActive } from '#domain/lifecycle.ts';
import { groupStatus, overallStatus } from '#domain/status.ts';
import { groupBy } from '#lib/group-by.ts';
import type { SiteContent } from '../content/load-content.ts';
import type {
  PageInfo,
  PublicComponent,
  PublicComponentChange,
  PublicGroup,
  PublicIncident,
  PublicMaintenance,
  PublicRecent,
  PublicStatus,
  PublicUpdate,
  SitePage,
} from './public-model.ts';
import type { UptimeStore } from './uptime-store.ts';

/** What the read model needs to know of the site besides the database. */
export interface SiteInfo {
  pageId: string;
  siteUrl: string;
  site: SiteContent;
}

const recentLimit = 50;

/** Orders names as people read them. One collator: `localeCompare` builds one per call. */
const names = new Intl.Collator('en');

/**
 * Visible components: public ones; a public component in an internal group shows ungrouped.
 * Positions are renumbered 1..n within each level, so gaps left by hidden items do not reveal
 * that something is hidden.
 */
export async function loadPublicCatalogue(db: Database): Promise<PublicCatalogue> {
  const groupRows = await db
    .select()
    .from(componentGroups)
    .where(eq(componentGroups.audience, 'public'));
  const componentRows = await db.select().from(components).where(eq(components.audience, 'public'));
  const groupIds = new Set(groupRows.map((group) => group.id));
  // Only the places of hidden groups are read, to seat their public components at the top level.
  const hiddenGroupPositions = new Map(
    (
      await db
        .select({ id: componentGroups.id, position: componentGroups.position })
        .from(componentGroups)
        .where(eq(componentGroups.audience, 'internal'))
    ).map((group) => [group.id, group.position]),
  );
  const byPosition = <T extends { position: number; name: string }>(a: T, b: T) =>
    a.position - b.position || names.compare(a.name, b.name);
  const visible = componentRows
    .map((row) => ({
      row,
      groupId: row.groupId !== null && groupIds.has(row.groupId) ? row.groupId : null,
      // Ungrouped because its group is hidden: it takes the group's place at the top level.
      position:
        row.groupId !== null && !groupIds.has(row.groupId)
          ? (hiddenGroupPositions.get(row.groupId) ?? row.position)
          : row.position,
      name: row.name,
    }))
    .sort(byPosition);
  const groupsWithChildren = groupRows
    .filter((group) => visible.some((entry) => entry.groupId === group.id))
    .sort(byPosition);
  // Renumber: the top level (groups and ungrouped components together), then each group.
  const topLevel = [
    ...groupsWithChildren.map((group) => ({
      key: `g:${group.id}`,
      position: group.position,
      name: group.name,
    })),
    ...visible
      .filter((entry) => entry.groupId === null)
      .map((entry) => ({ key: `c:${entry.row.id}`, position: entry.position, name: entry.name })),
  ].sort(byPosition);
  const positions = new Map(topLevel.map((item, index) => [item.key, index + 1]));
  const childCounters = new Map<string, number>();
  const list: PublicComponent[] = visible.map(({ row, groupId }) => {
    let position: number;
    if (groupId === null) {
      position = positions.get(`c:${row.id}`) ?? 0;
    } else {
      position = (childCounters.get(groupId) ?? 0) + 1;
      childCounters.set(groupId, position);
    }
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      status: row.status,
      position,
      groupId,
      showcase: row.showcase,
      onlyShowIfDegraded: row.onlyShowIfDegraded,
      startDate: row.startDate,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  });
  const groups: PublicGroup[] = groupsWithChildren.map((row) => {
    const children = list.filter((component) => component.groupId === row.id);
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      position: positions.get(`g:${row.id}`) ?? 0,
      status: groupStatus(children.map((child) => child.status)),
      componentIds: children.map((child) => child.id),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  });
  return { groups, components: list, visibleIds: new Set(list.map((c) => c.id)) };
}

/** The public components and groups, as every public page places them. */
export interface PublicCatalogue {
  groups: PublicGroup[];
  components: PublicComponent[];
  visibleIds: ReadonlySet<string>;
}

function publicChanges(
  changes: readonly ComponentChange[],
  visibleIds: ReadonlySet<string>,
): PublicComponentChange[] {
  return changes
    .filter((change) => visibleIds.has(change.componentId))
    .map((change) => ({
      componentId: change.componentId,
      name: change.name,
      oldStatus: change.oldStatus,
      newStatus: change.newStatus,
    }));
}

function publicUpdate<S>(
  row: {
    id: string;
    status: S;
    body: string;
    displayAt: Date;
    createdAt: Date;
    updatedAt: Date;
    notify: boolean;
    componentChanges: ComponentChange[];
    editedAt?: Date | null;
  },
  visibleIds: ReadonlySet<string>,
): PublicUpdate<S> {
  return {
    id: row.id,
    status: row.status,
    body: row.body,
    displayAt: row.displayAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    notified: row.notify,
    editedAt: row.editedAt ?? null,
    componentChanges: publicChanges(row.componentChanges, visibleIds),
  };
}

/** SQLite takes at most 32,766 parameters in one statement: long id lists are read in parts. */
const idsPerQuery = 5_000;

/** Runs `read` over `ids` in parts and joins the rows; each id's rows come from one part. */
async function byIdParts<T>(
  ids: readonly string[],
  read: (part: string[]) => Promise<T[]>,
): Promise<T[]> {
  const rows: T[] = [];
  for (let start = 0; start < ids.length; start += idsPerQuery) {
    rows.push(...(await read(ids.slice(start, start + idsPerQuery))));
  }
  return rows;
}

/** Public incidents matching `where`, newest first, with their public updates and components. */
export async function loadPublicIncidents(
  db: Database,
  where: SQL | undefined,
  visibleIds: ReadonlySet<string>,
): Promise<PublicIncident[]> {
  const rows = await db
    .select()
    .from(incidents)
    .where(and(eq(incidents.audience, 'public'), where))
    .orderBy(desc(incidents.startedAt), desc(incidents.createdAt));
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const updates = groupBy(
    await byIdParts(ids, (part) =>
      db
        .select()
        .from(incidentUpdates)
        .where(
          and(inArray(incidentUpdates.incidentId, part), eq(incidentUpdates.audience, 'public')),
        )
        .orderBy(desc(incidentUpdates.displayAt), desc(incidentUpdates.createdAt)),
    ),
    (row) => row.incidentId,
  );
  const links = groupBy(
    await byIdParts(ids, (part) =>
      db.select().from(incidentComponents).where(inArray(incidentComponents.incidentId, part)),
    ),
    (row) => row.incidentId,
  );
  const reviews = new Map(
    (
      await byIdParts(ids, (part) =>
        db
          .select()
          .from(postmortems)
          .where(and(inArray(postmortems.incidentId, part), eq(postmortems.published, true))),
      )
    ).map((row) => [row.incidentId, row]),
  );
  return rows.map((row) => ({
    kind: 'incident',
    id: row.id,
    title: row.title,
    status: row.status,
    impact: row.impact,
    startedAt: row.startedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    monitoringAt: row.monitoringAt,
    resolvedAt: row.resolvedAt,
    nextUpdateAt: row.status === 'resolved' ? null : row.nextUpdateAt,
    updates: (updates.get(row.id) ?? []).map((update) => publicUpdate(update, visibleIds)),
    componentIds: (links.get(row.id) ?? [])
      .map((link) => link.componentId)
      .filter((id) => visibleIds.has(id)),
    postmortem: publicPostmortem(reviews.get(row.id)),
  }));
}

const publicPostmortem = (
  row: { publicBody: string; publishedAt: Date | null; updatedAt: Date } | undefined,
) =>
  row
    ? {
        body: row.publicBody,
        publishedAt: row.publishedAt ?? row.updatedAt,
        updatedAt: row.updatedAt,
      }
    : null;

/**
 * The maintenances the public lists show (status, history, feeds, v2): public ones not cancelled.
 * A cancelled one keeps its own page, where the link in its emails leads.
 */
export const listedMaintenance = sql`${maintenances.audience} = 'public' AND ${maintenances.status} <> 'cancelled'`;

/** Public maintenances matching `where`, with their public updates and components. */
export async function loadPublicMaintenances(
  db: Database,
  where: SQL | undefined,
  visibleIds: ReadonlySet<string>,
): Promise<PublicMaintenance[]> {
  const rows = await db
    .select()
    .from(maintenances)
    .where(and(eq(maintenances.audience, 'public'), where))
    .orderBy(desc(maintenances.scheduledFor), desc(maintenances.createdAt));
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const updates = groupBy(
    await byIdParts(ids, (part) =>
      db
        .select()
        .from(maintenanceUpdates)
        .where(
          and(
            inArray(maintenanceUpdates.maintenanceId, part),
            eq(maintenanceUpdates.audience, 'public'),
          ),
        )
        .orderBy(desc(maintenanceUpdates.displayAt), desc(maintenanceUpdates.createdAt)),
    ),
    (row) => row.maintenanceId,
  );
  const links = groupBy(
    await byIdParts(ids, (part) =>
      db
        .select()
        .from(maintenanceComponents)
        .where(inArray(maintenanceComponents.maintenanceId, part)),
    ),
    (row) => row.maintenanceId,
  );
  return rows.map((row) => ({
    kind: 'maintenance',
    id: row.id,
    title: row.title,
    status: row.status,
    scheduledFor: row.scheduledFor,
    scheduledUntil: row.scheduledUntil,
    startedAt: row.startedAt,
    verifyingAt: row.verifyingAt,
    completedAt: row.completedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    updates: (updates.get(row.id) ?? []).map((update) => publicUpdate(update, visibleIds)),
    componentIds: (links.get(row.id) ?? [])
      .map((link) => link.componentId)
      .filter((id) => visibleIds.has(id)),
  }));
}

function latest(dates: Iterable<Date>, fallback: Date): Date {
  let max = fallback;
  for (const date of dates) if (date.getTime() > max.getTime()) max = date;
  return max;
}

export function pageInfo(info: SiteInfo, updatedAt: Date): PageInfo {
  return { ...sitePage(info), updatedAt };
}

/** The site as every page shows it, from settings alone. */
export function sitePage(info: SiteInfo): SitePage {
  return {
    id: info.pageId,
    name: info.site.name,
    description: info.site.description ?? null,
    url: info.siteUrl,
    timeZone: info.site.time_zone,
    supportUrl: info.site.support_url ?? null,
    brandColor: info.site.brand_color,
    logo: info.site.logo ?? null,
  };
}

// Which incidents and maintenances the status and the recent lists hold. Open rows come by
// their partial indexes (status literals, not parameters, so SQLite can use them), the latest by
// the audience index; each list is then read by primary key, which the planner chooses from the
// statistics openDatabase keeps.
const unresolvedIncidentIds = (db: Database) =>
  db.select({ id: incidents.id }).from(incidents).where(sql`${incidents.status} <> 'resolved'`);
const latestIncidentIds = (db: Database) =>
  db
    .select({ id: incidents.id })
    .from(incidents)
    .where(eq(incidents.audience, 'public'))
    .orderBy(desc(incidents.startedAt))
    .limit(recentLimit);
const openMaintenanceIds = (db: Database) =>
  db
    .select({ id: maintenances.id })
    .from(maintenances)
    .where(sql`${maintenances.status} <> 'completed' AND ${maintenances.status} <> 'cancelled'`);
const latestMaintenanceIds = (db: Database) =>
  db
    .select({ id: maintenances.id })
    .from(maintenances)
    .where(listedMaintenance)
    .orderBy(desc(maintenances.scheduledFor))
    .limit(recentLimit);

/**
 * Reads the current public status: the catalogue and uptime bars (kept in memory, see
 * uptime-store.ts), the unresolved incidents and open maintenances, and when anything public
 * last changed.
 */
export async function loadPublicStatus(
  db: Database,
  catalogue: PublicCatalogue,
  info: SiteInfo,
  now: Date,
  uptimeStore: UptimeStore,
): Promise<PublicStatus> {
  const uptime = await uptimeStore.lookup(now, {
    componentIds: [...catalogue.visibleIds],
    groups: catalogue.groups,
  });
  const unresolvedIncidents = await loadPublicIncidents(
    db,
    inArray(incidents.id, unresolvedIncidentIds(db)),
    catalogue.visibleIds,
  );
  const openMaintenances = (
    await loadPublicMaintenances(
      db,
      inArray(maintenances.id, openMaintenanceIds(db)),
      catalogue.visibleIds,
    )
  ).sort((a, b) => a.scheduledFor.getTime() - b.scheduledFor.getTime());
  // The page changed when its newest item did: a resolved incident's last words count too.
  const updatedAt = latest(
    [
      ...catalogue.components.map((c) => c.updatedAt),
      ...catalogue.groups.map((g) => g.updatedAt),
      ...unresolvedIncidents.map((i) => i.updatedAt),
      ...openMaintenances.map((m) => m.updatedAt),
      ...(
        await db
          .select({ at: incidents.updatedAt })
          .from(incidents)
          .where(inArray(incidents.id, latestIncidentIds(db)))
      ).map((row) => row.at),
      ...(
        await db
          .select({ at: maintenances.updatedAt })
          .from(maintenances)
          .where(inArray(maintenances.id, latestMaintenanceIds(db)))
      ).map((row) => row.at),
    ],
    new Date(0),
  );
  return {
    page: pageInfo(info, updatedAt),
    overall: overallStatus({
      componentStatuses: catalogue.components.map((c) => c.status),
      unresolvedImpacts: unresolvedIncidents.map((i) => i.impact),
      maintenanceInProgress: openMaintenances.some((m) => maintenanceIsActive(m.status)),
    }),
    groups: catalogue.groups,
    components: catalogue.components,
    unresolvedIncidents,
    openMaintenances,
    uptime,
  };
}

/**
 * The 50 most recent public incidents and maintenances, newest first, every open one included
 * (as Statuspage's incidents.json and scheduled-maintenances.json list them): the v2 lists and
 * the feeds. Read apart from the status, which the front page needs and these do not.
 */
export async function loadPublicRecent(
  db: Database,
  catalogue: PublicCatalogue,
): Promise<PublicRecent> {
  const recentIncidents = await loadPublicIncidents(
    db,
    or(
      inArray(incidents.id, unresolvedIncidentIds(db)),
      inArray(incidents.id, latestIncidentIds(db)),
    ),
    catalogue.visibleIds,
  );
  const recentMaintenances = await loadPublicMaintenances(
    db,
    or(
      inArray(maintenances.id, openMaintenanceIds(db)),
      inArray(maintenances.id, latestMaintenanceIds(db)),
    ),
    catalogue.visibleIds,
  );
  const open = {
    incidents: recentIncidents.filter((i) => i.status !== 'resolved').length,
    maintenances: recentMaintenances.filter((m) => m.status !== 'completed').length,
  };
  return {
    recentIncidents: recentIncidents.slice(0, Math.max(recentLimit, open.incidents)),
    recentMaintenances: recentMaintenances.slice(0, Math.max(recentLimit, open.maintenances)),
  };
}

/** One public incident with its timeline, or null (also for internal ones: 404, not 403). */
export async function loadPublicIncident(
  db: Database,
  catalogue: PublicCatalogue,
  id: string,
): Promise<{ incident: PublicIncident; components: PublicComponent[] } | null> {
  const [incident] = await loadPublicIncidents(db, eq(incidents.id, id), catalogue.visibleIds);
  if (!incident) return null;
  return {
    incident,
    components: catalogue.components.filter((c) => incident.componentIds.includes(c.id)),
  };
}

/** One public maintenance with its timeline, or null (also for internal ones). */
export async function loadPublicMaintenance(
  db: Database,
  catalogue: PublicCatalogue,
  id: string,
): Promise<{ maintenance: PublicMaintenance; components: PublicComponent[] } | null> {
  const [maintenance] = await loadPublicMaintenances(
    db,
    eq(maintenances.id, id),
    catalogue.visibleIds,
  );
  if (!maintenance) return null;
  return {
    maintenance,
    components: catalogue.components.filter((c) => maintenance.componentIds.includes(c.id)),
  };
}
