// Reads for the authenticated management API: every audience, every field.

import { and, asc, desc, eq, gte, inArray, lt, ne, type SQL } from 'drizzle-orm';
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
} from '#db/schema/index.ts';
import type { Audience, IncidentStatus } from '#domain/enums.ts';
import { notFound } from '../errors.ts';

export async function listComponents(db: Database) {
  const rows = await db
    .select({ component: components, groupName: componentGroups.name })
    .from(components)
    .leftJoin(componentGroups, eq(componentGroups.id, components.groupId))
    .orderBy(asc(componentGroups.position), asc(components.position));
  return rows.map((row) => ({ ...row.component, groupName: row.groupName }));
}
export type AdminComponent = Awaited<ReturnType<typeof listComponents>>[number];

export async function getComponent(db: Database, id: string): Promise<AdminComponent> {
  const [row] = await db
    .select({ component: components, groupName: componentGroups.name })
    .from(components)
    .leftJoin(componentGroups, eq(componentGroups.id, components.groupId))
    .where(eq(components.id, id));
  if (!row) throw notFound('component', id);
  return { ...row.component, groupName: row.groupName };
}

export interface IncidentFilter {
  /** `unresolved` matches every status but resolved. */
  status?: IncidentStatus | 'unresolved' | undefined;
  audience?: Audience | undefined;
  since?: Date | undefined;
  /** Only unresolved incidents whose promised next public update is past this instant. */
  overdueAt?: Date | undefined;
  limit?: number | undefined;
}

async function incidentsWhere(db: Database, where: SQL | undefined, limit: number) {
  const rows = await db
    .select()
    .from(incidents)
    .where(where)
    .orderBy(desc(incidents.startedAt), desc(incidents.createdAt))
    .limit(limit);
  const ids = rows.map((row) => row.id);
  if (ids.length === 0) return [];
  const updates = await db
    .select()
    .from(incidentUpdates)
    .where(inArray(incidentUpdates.incidentId, ids))
    .orderBy(desc(incidentUpdates.displayAt), desc(incidentUpdates.createdAt));
  const links = await db
    .select()
    .from(incidentComponents)
    .where(inArray(incidentComponents.incidentId, ids));
  return rows.map((row) => ({
    ...row,
    updates: updates.filter((update) => update.incidentId === row.id),
    componentIds: links.filter((link) => link.incidentId === row.id).map((l) => l.componentId),
  }));
}
export type AdminIncident = Awaited<ReturnType<typeof incidentsWhere>>[number];

export function listIncidents(db: Database, filter: IncidentFilter): Promise<AdminIncident[]> {
  const status =
    filter.status === 'unresolved'
      ? ne(incidents.status, 'resolved')
      : filter.status
        ? eq(incidents.status, filter.status)
        : undefined;
  return incidentsWhere(
    db,
    and(
      status,
      filter.audience ? eq(incidents.audience, filter.audience) : undefined,
      filter.since ? gte(incidents.startedAt, filter.since) : undefined,
      filter.overdueAt
        ? and(ne(incidents.status, 'resolved'), lt(incidents.nextUpdateAt, filter.overdueAt))
        : undefined,
    ),
    filter.limit ?? 100,
  );
}

export async function getIncident(db: Database, id: string): Promise<AdminIncident> {
  const [row] = await incidentsWhere(db, eq(incidents.id, id), 1);
  if (!row) throw notFound('incident', id);
  return row;
}

async function maintenancesWhere(db: Database, where: SQL | undefined, limit: number) {
  const rows = await db
    .select()
    .from(maintenances)
    .where(where)
    .orderBy(desc(maintenances.scheduledFor))
    .limit(limit);
  const ids = rows.map((row) => row.id);
  if (ids.length === 0) return [];
  const updates = await db
    .select()
    .from(maintenanceUpdates)
    .where(inArray(maintenanceUpdates.maintenanceId, ids))
    .orderBy(desc(maintenanceUpdates.displayAt), desc(maintenanceUpdates.createdAt));
  const links = await db
    .select()
    .from(maintenanceComponents)
    .where(inArray(maintenanceComponents.maintenanceId, ids));
  return rows.map((row) => ({
    ...row,
    updates: updates.filter((update) => update.maintenanceId === row.id),
    componentIds: links.filter((link) => link.maintenanceId === row.id).map((l) => l.componentId),
  }));
}
export type AdminMaintenance = Awaited<ReturnType<typeof maintenancesWhere>>[number];

export function listMaintenances(db: Database, limit = 100): Promise<AdminMaintenance[]> {
  return maintenancesWhere(db, undefined, limit);
}

export async function getMaintenance(db: Database, id: string): Promise<AdminMaintenance> {
  const [row] = await maintenancesWhere(db, eq(maintenances.id, id), 1);
  if (!row) throw notFound('maintenance', id);
  return row;
}
