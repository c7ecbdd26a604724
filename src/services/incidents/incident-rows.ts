import { eq } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { incidentComponents, incidents, incidentUpdates } from '#db/schema/index.ts';
import type { ComponentChange } from '#domain/changes.ts';
import type { Audience, IncidentStatus } from '#domain/enums.ts';
import { newId } from '#lib/ids.ts';
import type { ServiceContext } from '../context.ts';
import { enqueueUpdateNotifications } from '../email/enqueue.ts';
import { notFound } from '../errors.ts';

export async function findIncident(tx: Executor, id: string) {
  const [row] = await tx.select().from(incidents).where(eq(incidents.id, id));
  if (!row) throw notFound('incident', id);
  return row;
}

/** Records that the incident touches these components (once each). */
export async function linkComponents(
  tx: Executor,
  incidentId: string,
  componentIds: readonly string[],
): Promise<void> {
  if (componentIds.length === 0) return;
  await tx
    .insert(incidentComponents)
    .values(componentIds.map((componentId) => ({ incidentId, componentId })))
    .onConflictDoNothing();
}

/**
 * Appends one entry to an incident's timeline, written by the acting person, shown now. When it
 * asks to notify and the public sees it (a public update of a public incident), its emails are
 * queued in the same transaction; otherwise `notify` is kept but nothing is sent.
 */
export async function insertIncidentUpdate(
  tx: Executor,
  ctx: Pick<ServiceContext, 'actor' | 'now'>,
  update: {
    incidentId: string;
    status: IncidentStatus;
    body: string;
    audience: Audience;
    notify: boolean;
    componentChanges: ComponentChange[];
    nextUpdateAt: Date | null;
  },
  incidentAudience: Audience,
): Promise<string> {
  const id = newId();
  const now = ctx.now();
  await tx.insert(incidentUpdates).values({
    id,
    ...update,
    author: ctx.actor,
    displayAt: now,
    createdAt: now,
    updatedAt: now,
  });
  if (update.notify && update.audience === 'public' && incidentAudience === 'public') {
    const linked = await tx
      .select({ id: incidentComponents.componentId })
      .from(incidentComponents)
      .where(eq(incidentComponents.incidentId, update.incidentId));
    await enqueueUpdateNotifications(tx, {
      kind: 'incident_update',
      updateId: id,
      componentIds: linked.map((row) => row.id),
      now,
    });
  }
  return id;
}
