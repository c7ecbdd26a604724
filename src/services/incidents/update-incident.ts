import { eq } from 'drizzle-orm';
import { incidents } from '#db/schema/index.ts';
import type { Audience, Impact, IncidentType, Severity } from '#domain/enums.ts';
import { impactFromSeverity } from '#domain/status.ts';
import { recordAudit } from '../audit.ts';
import { publicChangeTo, type ServiceContext } from '../context.ts';
import { findIncident } from './incident-rows.ts';
import { requireFuture } from './promise.ts';

export interface UpdateIncidentInput {
  title?: string | undefined;
  impact?: Impact | undefined;
  severity?: Severity | undefined;
  type?: IncidentType | undefined;
  audience?: Audience | undefined;
  startedAt?: Date | undefined;
  detectedAt?: Date | null | undefined;
  acknowledgedAt?: Date | null | undefined;
  nextUpdateAt?: Date | null | undefined;
  incidentCommander?: string | null | undefined;
  commsLead?: string | null | undefined;
  technicalLead?: string | null | undefined;
  customersAffected?: number | null | undefined;
  businessImpact?: string | null | undefined;
}

/**
 * Edits an incident's own fields. Its status moves only through updates, so that the timeline
 * tells every change. A new severity carries the impact along until a person has chosen one.
 */
export async function updateIncident(
  ctx: ServiceContext,
  id: string,
  input: UpdateIncidentInput,
): Promise<void> {
  const visible = await ctx.db.transaction(async (tx) => {
    requireFuture(input.nextUpdateAt, ctx.now());
    const current = await findIncident(tx, id);
    const severity = input.severity ?? current.severity;
    const impactOverridden = current.impactOverridden || input.impact !== undefined;
    const impact =
      input.impact ?? (impactOverridden ? current.impact : impactFromSeverity(severity));
    const keep = <T>(next: T | undefined, previous: T): T => (next === undefined ? previous : next);
    const title = input.title ?? current.title;
    const audience = input.audience ?? current.audience;
    const startedAt = input.startedAt ?? current.startedAt;
    // Only a change the public can see moves the public "updated" time; severity, roles and the
    // like are internal, and so is when they changed.
    const publicChange =
      title !== current.title ||
      impact !== current.impact ||
      audience !== current.audience ||
      startedAt.getTime() !== current.startedAt.getTime();
    await tx
      .update(incidents)
      .set({
        title,
        impact,
        impactOverridden,
        severity,
        type: input.type ?? current.type,
        audience,
        startedAt,
        detectedAt: keep(input.detectedAt, current.detectedAt),
        acknowledgedAt: keep(input.acknowledgedAt, current.acknowledgedAt),
        nextUpdateAt: keep(input.nextUpdateAt, current.nextUpdateAt),
        incidentCommander: keep(input.incidentCommander, current.incidentCommander),
        commsLead: keep(input.commsLead, current.commsLead),
        technicalLead: keep(input.technicalLead, current.technicalLead),
        customersAffected: keep(input.customersAffected, current.customersAffected),
        businessImpact: keep(input.businessImpact, current.businessImpact),
        updatedAt: publicChange ? ctx.now() : current.updatedAt,
      })
      .where(eq(incidents.id, id));
    await recordAudit(tx, ctx, 'incident.edited', { type: 'incident', id }, { ...input });
    return publicChange && (audience === 'public' || current.audience === 'public');
  });
  ctx.changed(publicChangeTo('incident', id, visible));
}
