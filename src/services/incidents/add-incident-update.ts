import { and, eq } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import {
  incidentComponents,
  incidents,
  maintenanceComponents,
  postmortems,
} from '#db/schema/index.ts';
import type { ComponentChange } from '#domain/changes.ts';
import type { Audience, ComponentStatus, IncidentStatus } from '#domain/enums.ts';
import { canMoveIncident, defaultNextUpdateAt } from '#domain/lifecycle.ts';
import { recordAudit } from '../audit.ts';
import {
  applyComponentStatuses,
  loadComponentsFor,
  restingStatus,
} from '../components/apply-statuses.ts';
import { setComponentStatus } from '../components/set-status.ts';
import { publicChangeTo, type ServiceContext } from '../context.ts';
import { invalidInput, invalidTransition } from '../errors.ts';
import { findIncident, insertIncidentUpdate, linkComponents } from './incident-rows.ts';
import { requireFuture } from './promise.ts';

export interface AddIncidentUpdateInput {
  status: IncidentStatus;
  body: string;
  /** Defaults to the incident's audience. */
  audience?: Audience | undefined;
  components?: Record<string, ComponentStatus> | undefined;
  notify?: boolean | undefined;
  /** When the next public update is promised; defaults from the severity's cadence. */
  nextUpdateAt?: Date | null | undefined;
  /** Reopen a resolved incident: the update moves it back to an unresolved status. */
  reopen?: boolean | undefined;
}

/**
 * Adds an update to an incident's timeline. It moves the incident's status and the components it
 * names; resolving returns every other component of the incident to its resting status
 * (operational, unless something else still holds it). On a public incident an internal update is
 * a note: it may not change the status or any component.
 */
export async function addIncidentUpdate(
  ctx: ServiceContext,
  incidentId: string,
  input: AddIncidentUpdateInput,
): Promise<{ id: string }> {
  const result = await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    requireFuture(input.nextUpdateAt, ctx.now());
    const incident = await findIncident(tx, incidentId);
    const audience = input.audience ?? incident.audience;
    const statuses = input.components ?? {};
    const isNote = incident.audience === 'public' && audience === 'internal';
    if (isNote && input.status !== incident.status) {
      throw invalidInput(
        `An internal update on a public incident is a note: it cannot change the status (${incident.status}). Post a public update to change it.`,
        'status',
      );
    }
    if (isNote && Object.keys(statuses).length > 0) {
      throw invalidInput(
        'An internal update on a public incident is a note: it cannot change components. Post a public update to change them.',
        'components',
      );
    }
    const reopening = input.reopen === true;
    if (reopening && incident.status !== 'resolved') {
      throw invalidTransition(
        `Only a resolved incident can be reopened (it is ${incident.status}).`,
      );
    }
    if (reopening && (input.status === 'resolved' || isNote)) {
      throw invalidInput('Reopening needs a public status other than resolved.', 'status');
    }
    if (!reopening && !canMoveIncident(incident.status, input.status)) {
      throw invalidTransition(
        `The incident is resolved; an update can only keep it resolved (got ${input.status}). Reopen it to change that.`,
      );
    }

    const changes: ComponentChange[] = await applyComponentStatuses(
      tx,
      statuses,
      incident.audience,
      now,
      ctx.timeZone,
    );
    await linkComponents(tx, incidentId, Object.keys(statuses));
    const resolving = input.status === 'resolved' && incident.status !== 'resolved';
    if (resolving)
      changes.push(...(await releaseComponents(tx, incident, statuses, now, ctx.timeZone)));

    const promise = isNote
      ? incident.nextUpdateAt
      : input.nextUpdateAt === undefined
        ? defaultNextUpdateAt(incident.severity, input.status, now)
        : input.nextUpdateAt;
    const nextUpdateAt = input.status === 'resolved' ? null : promise;
    await tx
      .update(incidents)
      .set({
        status: input.status,
        monitoringAt:
          input.status === 'monitoring' && !incident.monitoringAt ? now : incident.monitoringAt,
        resolvedAt: resolving ? now : reopening ? null : incident.resolvedAt,
        nextUpdateAt,
        // A note is invisible outside: it must not move the time the public sees either.
        updatedAt: isNote ? incident.updatedAt : now,
      })
      .where(eq(incidents.id, incidentId));
    if (reopening) {
      // The review starts over with the next resolution: a postmortem published for the first
      // one goes back to draft, its text kept, rather than speak for an incident still open.
      const unpublished = await tx
        .update(postmortems)
        .set({ published: false, updatedAt: now })
        .where(and(eq(postmortems.incidentId, incidentId), eq(postmortems.published, true)))
        .returning({ incidentId: postmortems.incidentId });
      if (unpublished.length > 0) {
        await recordAudit(
          tx,
          ctx,
          'postmortem.unpublished',
          { type: 'incident', id: incidentId },
          { reason: 'The incident was reopened.' },
        );
      }
    }
    const id = await insertIncidentUpdate(
      tx,
      ctx,
      {
        incidentId,
        status: input.status,
        body: input.body,
        audience,
        notify: input.notify ?? false,
        componentChanges: changes,
        nextUpdateAt: isNote ? null : nextUpdateAt,
      },
      incident.audience,
    );
    await recordAudit(
      tx,
      ctx,
      reopening ? 'incident.reopened' : 'incident.updated',
      { type: 'incident', id: incidentId },
      {
        updateId: id,
        status: input.status,
        audience,
        components: statuses,
      },
    );
    return { id, visible: incident.audience === 'public' && !isNote, changes };
  });
  ctx.changed(publicChangeTo('incident', incidentId, result.visible, result.changes));
  return { id: result.id };
}

/** On resolve: components the update did not name go back to their resting status. */
export async function releaseComponents(
  tx: Transaction,
  incident: { id: string; audience: Audience },
  named: Readonly<Record<string, ComponentStatus>>,
  now: Date,
  timeZone: string,
): Promise<ComponentChange[]> {
  const linked = await tx
    .select({ componentId: incidentComponents.componentId })
    .from(incidentComponents)
    .where(eq(incidentComponents.incidentId, incident.id));
  const ids = linked.map((row) => row.componentId).filter((id) => !(id in named));
  // Releasing is always allowed, whatever the audience: it only undoes what the incident set.
  const rows = await loadComponentsFor(tx, ids, 'public');
  const changes: ComponentChange[] = [];
  for (const row of rows) {
    const status = await restingStatus(tx, row.id, { incidentId: incident.id });
    if (status === 'under_maintenance') {
      // A maintenance runs on it: when that ends, the component should come back healthy, not
      // to the outage this incident had set before the maintenance began.
      await tx
        .update(maintenanceComponents)
        .set({ priorStatus: 'operational' })
        .where(eq(maintenanceComponents.componentId, row.id));
    }
    if (status !== null && status !== row.status) {
      changes.push(await setComponentStatus(tx, row, status, now, timeZone));
    }
  }
  return changes;
}
