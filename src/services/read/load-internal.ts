// The internal read model: everything, for people signed in. Built on the admin reads; never
// used by a public output.

import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { componentGroups, postmortems } from '#db/schema/index.ts';
import { isOverdue, reviewState } from '#domain/lifecycle.ts';
import { getIncident, listComponents, listIncidents, listMaintenances } from './load-admin.ts';
import { listActionItems } from './load-reviews.ts';
import type { PublicIncident } from './public-model.ts';

/** Resolved incidents stay on the internal page this long, with their review due date. */
const recentDays = 14;

export async function loadInternalStatus(db: Database, now: Date) {
  const groups = await db.select().from(componentGroups);
  const components = await listComponents(db);
  const open = await listIncidents(db, { status: 'unresolved', limit: 200 });
  const since = new Date(now.getTime() - recentDays * 86_400_000);
  const resolved = (await listIncidents(db, { status: 'resolved', since, limit: 100 })).filter(
    (incident) => incident.resolvedAt && incident.resolvedAt >= since,
  );
  // One read for the published reviews among them: a published one is done, not overdue.
  const published = new Set(
    resolved.length === 0
      ? []
      : (
          await db
            .select({ incidentId: postmortems.incidentId })
            .from(postmortems)
            .where(
              and(
                inArray(
                  postmortems.incidentId,
                  resolved.map((incident) => incident.id),
                ),
                eq(postmortems.published, true),
              ),
            )
        ).map((row) => row.incidentId),
  );
  const maintenances = (await listMaintenances(db, 50)).filter(
    (m) => m.status !== 'completed' && m.status !== 'cancelled',
  );
  return {
    groups: groups.sort((a, b) => a.position - b.position),
    components,
    open: open.map((incident) => ({
      ...incident,
      overdue: incident.audience === 'public' && isOverdue(incident.nextUpdateAt, now),
    })),
    resolved: resolved.map((incident) => ({
      ...incident,
      review: reviewState(incident, published.has(incident.id), now),
    })),
    maintenances,
  };
}
export type InternalStatus = Awaited<ReturnType<typeof loadInternalStatus>>;

export async function loadInternalIncident(db: Database, id: string, now: Date) {
  try {
    const incident = await getIncident(db, id);
    const [postmortem] = await db.select().from(postmortems).where(eq(postmortems.incidentId, id));
    return {
      ...incident,
      postmortem: postmortem ?? null,
      actionItems: await listActionItems(db, { incidentId: id }),
      overdue:
        incident.status !== 'resolved' &&
        incident.audience === 'public' &&
        isOverdue(incident.nextUpdateAt, now),
      review: reviewState(incident, postmortem?.published ?? false, now),
    };
  } catch {
    return null;
  }
}
export type InternalIncident = NonNullable<Awaited<ReturnType<typeof loadInternalIncident>>>;

/**
 * The employees' feed: the 25 latest incidents of every audience with every update, in the shape
 * the feed renderer takes. Internal incidents and notes say so in their text.
 */
export async function loadInternalFeed(db: Database): Promise<PublicIncident[]> {
  const rows = await listIncidents(db, { limit: 25 });
  return rows.map((row) => ({
    kind: 'incident',
    id: row.id,
    title: row.audience === 'internal' ? `[Internal] ${row.title}` : row.title,
    status: row.status,
    impact: row.impact,
    startedAt: row.startedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    monitoringAt: row.monitoringAt,
    resolvedAt: row.resolvedAt,
    nextUpdateAt: row.nextUpdateAt,
    componentIds: row.componentIds,
    updates: row.updates.map((update) => ({
      id: update.id,
      status: update.status,
      body: update.audience === 'internal' ? `**Internal note:** ${update.body}` : update.body,
      displayAt: update.displayAt,
      createdAt: update.createdAt,
      updatedAt: update.updatedAt,
      notified: update.notify,
      componentChanges: update.componentChanges,
      editedAt: update.editedAt,
    })),
    postmortem: null,
  }));
}
