// Reads of post-incident reviews for the signed-in and the management API: every audience.

import { and, asc, desc, eq, gte, isNotNull, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { actionItems, incidents, postmortems } from '#db/schema/index.ts';
import type { ActionItemStatus } from '#domain/enums.ts';
import { reviewState } from '#domain/lifecycle.ts';

// Literals, not parameters, so SQLite can use the partial index of unfinished items.
const unfinished = sql`${actionItems.status} in ('open', 'in_progress')`;

export interface ActionItemFilter {
  incidentId?: string | undefined;
  /** `unfinished`: open or in progress. */
  status?: ActionItemStatus | 'unfinished' | undefined;
  /** Only unfinished items due before this instant. */
  overdueAt?: Date | undefined;
  limit?: number | undefined;
}

/** Action items, soonest due first (those without a date last), then oldest first. */
export function listActionItems(db: Database, filter: ActionItemFilter) {
  // Overdue items are unfinished ones (the API refuses asking for finished ones with overdue).
  const status =
    filter.status && filter.status !== 'unfinished'
      ? eq(actionItems.status, filter.status)
      : filter.status === 'unfinished' || filter.overdueAt
        ? unfinished
        : undefined;
  const where: (SQL | undefined)[] = [
    status,
    filter.incidentId ? eq(actionItems.incidentId, filter.incidentId) : undefined,
    filter.overdueAt
      ? and(isNotNull(actionItems.dueAt), lt(actionItems.dueAt, filter.overdueAt))
      : undefined,
  ];
  return db
    .select()
    .from(actionItems)
    .where(and(...where))
    .orderBy(sql`${actionItems.dueAt} IS NULL`, asc(actionItems.dueAt), asc(actionItems.createdAt))
    .limit(filter.limit ?? 200);
}
export type ActionItemRow = Awaited<ReturnType<typeof listActionItems>>[number];

/** How far back the dashboard looks for reviews still to publish. */
const reviewWindowDays = 90;

/**
 * Incidents resolved in the last 90 days whose review is not yet published, the soonest due
 * first, with when each is due: what the dashboard lists under "Reviews due".
 */
export async function listReviewsDue(db: Database, now: Date, limit = 50) {
  const since = new Date(now.getTime() - reviewWindowDays * 86_400_000);
  const rows = await db
    .select({
      id: incidents.id,
      title: incidents.title,
      severity: incidents.severity,
      audience: incidents.audience,
      resolvedAt: incidents.resolvedAt,
      published: postmortems.published,
    })
    .from(incidents)
    .leftJoin(postmortems, eq(postmortems.incidentId, incidents.id))
    .where(
      and(
        eq(incidents.status, 'resolved'),
        gte(incidents.resolvedAt, since),
        or(isNull(postmortems.published), eq(postmortems.published, false)),
      ),
    )
    .orderBy(desc(incidents.resolvedAt))
    .limit(1000);
  return rows
    .map((row) => ({ ...row, review: reviewState(row, false, now) }))
    .sort((a, b) => (a.review.dueAt?.getTime() ?? 0) - (b.review.dueAt?.getTime() ?? 0))
    .slice(0, limit);
}
