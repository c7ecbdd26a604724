import { and, eq } from 'drizzle-orm';
import { incidentUpdates } from '#db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { publicChangeTo, type ServiceContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { findIncident } from './incident-rows.ts';

/**
 * Corrects the text of a published update. The page marks it edited; the earlier text stays in
 * the audit log. Emails already sent are not sent again: a correction is not news.
 */
export async function correctIncidentUpdate(
  ctx: ServiceContext,
  incidentId: string,
  updateId: string,
  input: { body: string },
): Promise<void> {
  const visible = await ctx.db.transaction(async (tx) => {
    const incident = await findIncident(tx, incidentId);
    const [update] = await tx
      .select()
      .from(incidentUpdates)
      .where(and(eq(incidentUpdates.id, updateId), eq(incidentUpdates.incidentId, incidentId)));
    if (!update) throw notFound('update of this incident', updateId);
    if (update.body === input.body) return false;
    const now = ctx.now();
    await tx
      .update(incidentUpdates)
      .set({ body: input.body, editedAt: now, updatedAt: now })
      .where(eq(incidentUpdates.id, updateId));
    await recordAudit(
      tx,
      ctx,
      'incident.update_corrected',
      { type: 'incident', id: incidentId },
      { updateId, before: update.body, after: input.body },
    );
    return incident.audience === 'public' && update.audience === 'public';
  });
  ctx.changed(publicChangeTo('incident', incidentId, visible));
}
