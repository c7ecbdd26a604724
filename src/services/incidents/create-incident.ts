import { incidents } from '#db/schema/index.ts';
import type {
  Audience,
  ComponentStatus,
  Impact,
  IncidentStatus,
  IncidentType,
  Severity,
} from '#domain/enums.ts';
import { defaultNextUpdateAt } from '#domain/lifecycle.ts';
import { impactFromSeverity } from '#domain/status.ts';
import { newId } from '#lib/ids.ts';
import { recordAudit } from '../audit.ts';
import { applyComponentStatuses } from '../components/apply-statuses.ts';
import { publicChangeTo, type ServiceContext } from '../context.ts';
import { insertIncidentUpdate, linkComponents } from './incident-rows.ts';
import { requireFuture } from './promise.ts';

export interface CreateIncidentInput {
  title: string;
  status: IncidentStatus;
  /** The first update's text, Markdown. */
  body: string;
  impact?: Impact | undefined;
  severity?: Severity | undefined;
  type?: IncidentType | undefined;
  audience?: Audience | undefined;
  /** Component id → the status this incident gives it. */
  components?: Record<string, ComponentStatus> | undefined;
  notify?: boolean | undefined;
  startedAt?: Date | undefined;
  detectedAt?: Date | undefined;
  acknowledgedAt?: Date | undefined;
  nextUpdateAt?: Date | null | undefined;
  incidentCommander?: string | null | undefined;
  commsLead?: string | null | undefined;
  technicalLead?: string | null | undefined;
  customersAffected?: number | null | undefined;
  businessImpact?: string | null | undefined;
}

/**
 * Declares an incident with its first update, and sets the statuses of the components it names.
 * Severity defaults to SEV-3; the public impact follows the severity unless given.
 */
export async function createIncident(
  ctx: ServiceContext,
  input: CreateIncidentInput,
): Promise<{ id: string; updateId: string }> {
  const result = await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    requireFuture(input.nextUpdateAt, ctx.now());
    const severity = input.severity ?? 'sev3';
    const audience = input.audience ?? 'public';
    const statuses = input.components ?? {};
    const id = newId();
    const resolved = input.status === 'resolved';
    const nextUpdateAt =
      input.nextUpdateAt === undefined
        ? defaultNextUpdateAt(severity, input.status, now)
        : input.nextUpdateAt;
    await tx.insert(incidents).values({
      id,
      title: input.title,
      status: input.status,
      impact: input.impact ?? impactFromSeverity(severity),
      impactOverridden: input.impact !== undefined,
      severity,
      type: input.type ?? 'outage',
      audience,
      startedAt: input.startedAt ?? now,
      detectedAt: input.detectedAt ?? now,
      acknowledgedAt: input.acknowledgedAt ?? null,
      monitoringAt: input.status === 'monitoring' ? now : null,
      resolvedAt: resolved ? now : null,
      nextUpdateAt: resolved ? null : nextUpdateAt,
      incidentCommander: input.incidentCommander ?? null,
      commsLead: input.commsLead ?? null,
      technicalLead: input.technicalLead ?? null,
      customersAffected: input.customersAffected ?? null,
      businessImpact: input.businessImpact ?? null,
      createdAt: now,
      updatedAt: now,
    });
    const changes = await applyComponentStatuses(tx, statuses, audience, now, ctx.timeZone);
    await linkComponents(tx, id, Object.keys(statuses));
    const updateId = await insertIncidentUpdate(
      tx,
      ctx,
      {
        incidentId: id,
        status: input.status,
        body: input.body,
        audience,
        notify: input.notify ?? false,
        componentChanges: changes,
        nextUpdateAt: resolved ? null : nextUpdateAt,
      },
      audience,
    );
    await recordAudit(
      tx,
      ctx,
      'incident.created',
      { type: 'incident', id },
      {
        title: input.title,
        status: input.status,
        severity,
        audience,
        components: statuses,
      },
    );
    return { id, updateId, visible: audience === 'public', changes };
  });
  ctx.changed(publicChangeTo('incident', result.id, result.visible, result.changes));
  return { id: result.id, updateId: result.updateId };
}
