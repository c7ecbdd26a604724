// What the comms console at /admin does and reads, bound to the signed-in person. The pages call
// these through `candor.console(actor)` and `candor.consoleReads`, the same use cases the
// management API calls, so the console can do nothing the API cannot (and the reverse).

import { inArray } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { incidents } from '#db/schema/index.ts';
import { isOverdue, reviewState } from '#domain/lifecycle.ts';
import { updateComponent } from './components/update-component.ts';
import type { ServiceContext } from './context.ts';
import type { EmailSettings } from './email/compose.ts';
import { readDeliveryByUpdate, readOutbox } from './email/read-outbox.ts';
import { DomainError } from './errors.ts';
import { addIncidentUpdate } from './incidents/add-incident-update.ts';
import { correctIncidentUpdate } from './incidents/correct-update.ts';
import { createIncident } from './incidents/create-incident.ts';
import { deleteIncident } from './incidents/delete-incident.ts';
import { updateIncident } from './incidents/update-incident.ts';
import { createMaintenance } from './maintenances/create-maintenance.ts';
import { updateMaintenance } from './maintenances/update-maintenance.ts';
import {
  type AdminIncident,
  getIncident,
  getMaintenance,
  listComponents,
  listIncidents,
  listMaintenances,
} from './read/load-admin.ts';
import { listActionItems, listReviewsDue } from './read/load-reviews.ts';
import { addActionItem, updateActionItem } from './reviews/action-items.ts';
import { findPostmortem, savePostmortem } from './reviews/postmortem.ts';
import {
  countSubscribersByState,
  importSubscribers,
  listSubscribers,
  searchSubscribers,
} from './subscribers/admin.ts';

/** The console's writes, as `ctx.actor`. Each is audited by the use case it calls. */
export function consoleActions(ctx: ServiceContext) {
  return {
    declare: (input: Parameters<typeof createIncident>[1]) => createIncident(ctx, input),
    postUpdate: (id: string, input: Parameters<typeof addIncidentUpdate>[2]) =>
      addIncidentUpdate(ctx, id, input),
    editIncident: (id: string, input: Parameters<typeof updateIncident>[2]) =>
      updateIncident(ctx, id, input),
    correctUpdate: (id: string, updateId: string, body: string) =>
      correctIncidentUpdate(ctx, id, updateId, { body }),
    deleteIncident: (id: string) => deleteIncident(ctx, id),
    setComponentStatus: (id: string, status: Parameters<typeof updateComponent>[2]['status']) =>
      updateComponent(ctx, id, { status }),
    savePostmortem: (id: string, input: Parameters<typeof savePostmortem>[2]) =>
      savePostmortem(ctx, id, input),
    addActionItem: (id: string, input: Parameters<typeof addActionItem>[2]) =>
      addActionItem(ctx, id, input),
    updateActionItem: (id: string, input: Parameters<typeof updateActionItem>[2]) =>
      updateActionItem(ctx, id, input),
    scheduleMaintenance: (input: Parameters<typeof createMaintenance>[1]) =>
      createMaintenance(ctx, input),
    updateMaintenance: (id: string, input: Parameters<typeof updateMaintenance>[2]) =>
      updateMaintenance(ctx, id, input),
    /**
     * Imports in transactions of 1,000 (the API's most per call): 10,000 rows in one would hold
     * the write lock for seconds, and an incident update would wait. Rows are checked before
     * (src/lib/subscriber-csv.ts); importing again is harmless, as existing addresses are kept.
     */
    async importSubscribers(items: Parameters<typeof importSubscribers>[1]) {
      const result = { ids: [] as string[], created: 0 };
      for (let start = 0; start < items.length; start += 1000) {
        const done = await importSubscribers(ctx, items.slice(start, start + 1000));
        result.ids.push(...done.ids);
        result.created += done.created;
      }
      return result;
    },
  };
}
export type ConsoleActions = ReturnType<typeof consoleActions>;

/** Where an incident's communication stands: the last public word, and the promise. */
function cadence(incident: AdminIncident, now: Date) {
  const lastPublic = incident.updates.find((update) => update.audience === 'public') ?? null;
  return {
    lastPublicAt: lastPublic?.displayAt ?? null,
    overdue:
      incident.status !== 'resolved' &&
      incident.audience === 'public' &&
      isOverdue(incident.nextUpdateAt, now),
  };
}

/** The console's reads: every audience, for signed-in people only. */
export function consoleReads(db: Database, now: () => Date, email: EmailSettings) {
  return {
    async dashboard() {
      const at = now();
      const [open, maintenances, components, reviews, overdueItems] = await Promise.all([
        listIncidents(db, { status: 'unresolved', limit: 200 }),
        listMaintenances(db, 100),
        listComponents(db),
        listReviewsDue(db, at),
        listActionItems(db, { overdueAt: at, limit: 100 }),
      ]);
      const itemIncidents = [...new Set(overdueItems.map((item) => item.incidentId))];
      const titles = new Map(
        itemIncidents.length === 0
          ? []
          : (
              await db
                .select({ id: incidents.id, title: incidents.title })
                .from(incidents)
                .where(inArray(incidents.id, itemIncidents))
            ).map((row) => [row.id, row.title]),
      );
      return {
        now: at,
        open: open.map((incident) => ({ ...incident, ...cadence(incident, at) })),
        maintenances: maintenances
          .filter((m) => m.status !== 'completed' && m.status !== 'cancelled')
          .sort((a, b) => a.scheduledFor.getTime() - b.scheduledFor.getTime()),
        components,
        reviews,
        overdueItems: overdueItems.map((item) => ({
          ...item,
          incidentTitle: titles.get(item.incidentId) ?? item.incidentId,
        })),
      };
    },
    /** One incident with its review and action items; null when there is none. */
    async incident(id: string) {
      const at = now();
      const incident = await getIncident(db, id).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'not_found') return null;
        throw error;
      });
      if (!incident) return null;
      const postmortem = await findPostmortem({ db }, id);
      return {
        now: at,
        incident,
        ...cadence(incident, at),
        postmortem,
        review: reviewState(incident, postmortem?.published ?? false, at),
        actionItems: await listActionItems(db, { incidentId: id }),
        components: await listComponents(db),
      };
    },
    components: () => listComponents(db),
    /** One maintenance, and every component to choose from; null when there is none. */
    async maintenance(id: string) {
      const maintenance = await getMaintenance(db, id).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'not_found') return null;
        throw error;
      });
      if (!maintenance) return null;
      return { now: now(), maintenance, components: await listComponents(db) };
    },
    maintenances: () => listMaintenances(db, 200),
    subscribers: () => listSubscribers({ db }),
    searchSubscribers: (filter: Parameters<typeof searchSubscribers>[1]) =>
      searchSubscribers({ db }, filter),
    subscriberCounts: () => countSubscribersByState({ db }),
    outbox: (limit = 100) => readOutbox({ db, now }, email, { limit }),
    deliveryByUpdate: (limit = 50) => readDeliveryByUpdate({ db }, limit),
  };
}
export type ConsoleReads = ReturnType<typeof consoleReads>;
