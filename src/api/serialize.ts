import type { actionItems, postmortems } from '#db/schema/index.ts';
import type { AdminComponent, AdminIncident, AdminMaintenance } from '#services/read/load-admin.ts';

// Management API output: snake_case, UTC ISO timestamps. Pure mappings from admin read rows.

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

export function componentOutput(row: AdminComponent) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    audience: row.audience,
    group_id: row.groupId,
    group_name: row.groupName,
    position: row.position,
    showcase: row.showcase,
    only_show_if_degraded: row.onlyShowIfDegraded,
    start_date: row.startDate,
    content_key: row.contentKey,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export function incidentOutput(row: AdminIncident, siteUrl: string) {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    impact: row.impact,
    severity: row.severity,
    type: row.type,
    audience: row.audience,
    started_at: iso(row.startedAt),
    detected_at: isoOrNull(row.detectedAt),
    acknowledged_at: isoOrNull(row.acknowledgedAt),
    monitoring_at: isoOrNull(row.monitoringAt),
    resolved_at: isoOrNull(row.resolvedAt),
    next_update_at: isoOrNull(row.nextUpdateAt),
    incident_commander: row.incidentCommander,
    comms_lead: row.commsLead,
    technical_lead: row.technicalLead,
    customers_affected: row.customersAffected,
    business_impact: row.businessImpact,
    components: row.componentIds,
    updates: row.updates.map((update) => ({
      id: update.id,
      status: update.status,
      body: update.body,
      audience: update.audience,
      notify: update.notify,
      components: update.componentChanges.map((change) => ({
        component_id: change.componentId,
        name: change.name,
        old_status: change.oldStatus,
        new_status: change.newStatus,
      })),
      next_update_at: isoOrNull(update.nextUpdateAt),
      author: update.author,
      display_at: iso(update.displayAt),
      edited_at: isoOrNull(update.editedAt),
      created_at: iso(update.createdAt),
    })),
    url: `${siteUrl}/incidents/${row.id}`,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export function maintenanceOutput(row: AdminMaintenance) {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    audience: row.audience,
    scheduled_for: iso(row.scheduledFor),
    scheduled_until: iso(row.scheduledUntil),
    auto_transition: row.autoTransition,
    started_at: isoOrNull(row.startedAt),
    completed_at: isoOrNull(row.completedAt),
    cancelled_at: isoOrNull(row.cancelledAt),
    reminded_at: isoOrNull(row.remindedAt),
    components: row.componentIds,
    updates: row.updates.map((update) => ({
      id: update.id,
      status: update.status,
      body: update.body,
      audience: update.audience,
      notify: update.notify,
      display_at: iso(update.displayAt),
    })),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export function postmortemOutput(row: typeof postmortems.$inferSelect) {
  return {
    incident_id: row.incidentId,
    public_body: row.publicBody,
    internal_body: row.internalBody,
    published: row.published,
    published_at: isoOrNull(row.publishedAt),
    author: row.author,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

export function actionItemOutput(row: typeof actionItems.$inferSelect) {
  return {
    id: row.id,
    incident_id: row.incidentId,
    title: row.title,
    owner: row.owner,
    priority: row.priority,
    due_at: isoOrNull(row.dueAt),
    status: row.status,
    verification: row.verification,
    closed_at: isoOrNull(row.closedAt),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}
