import { eq } from 'drizzle-orm';
import { incidents } from '#db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { publicChangeTo, type ServiceContext } from '../context.ts';
import { releaseComponents } from './add-incident-update.ts';
import { findIncident } from './incident-rows.ts';

/**
 * Deletes an incident declared by mistake, with its timeline, review and action items. Components
 * it still holds go back to their resting status first. Emails not yet sent for it are dropped by
 * the sender (their update is gone); the audit log keeps what was deleted.
 */
export async function deleteIncident(ctx: ServiceContext, id: string): Promise<void> {
  const result = await ctx.db.transaction(async (tx) => {
    const incident = await findIncident(tx, id);
    const changes =
      incident.status === 'resolved'
        ? []
        : await releaseComponents(tx, incident, {}, ctx.now(), ctx.timeZone);
    await tx.delete(incidents).where(eq(incidents.id, id));
    await recordAudit(
      tx,
      ctx,
      'incident.deleted',
      { type: 'incident', id },
      {
        title: incident.title,
        status: incident.status,
        severity: incident.severity,
        audience: incident.audience,
        startedAt: incident.startedAt.toISOString(),
      },
    );
    return { visible: incident.audience === 'public', changes };
  });
  ctx.changed(publicChangeTo('incident', id, result.visible, result.changes));
}
