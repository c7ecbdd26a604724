// Atlassian Statuspage public API v2, field for field: same keys in the same order, same enums,
// null for absent values, timestamps with milliseconds in the page's time zone. Tools written for
// Statuspage read these documents unchanged.

import { isoInZone } from '#domain/time.ts';
import type {
  PageInfo,
  PublicComponent,
  PublicGroup,
  PublicIncident,
  PublicMaintenance,
  PublicRecent,
  PublicStatus,
  PublicUpdate,
} from '#services/read/public-model.ts';

type Json = Record<string, unknown>;

function timeIn(page: PageInfo) {
  return (date: Date | null): string | null => (date ? isoInZone(date, page.timeZone) : null);
}

export function pageJson(page: PageInfo): Json {
  return {
    id: page.id,
    name: page.name,
    url: page.url,
    time_zone: page.timeZone,
    updated_at: isoInZone(page.updatedAt, page.timeZone),
  };
}

function componentJson(page: PageInfo, component: PublicComponent): Json {
  const time = timeIn(page);
  return {
    id: component.id,
    name: component.name,
    status: component.status,
    created_at: time(component.createdAt),
    updated_at: time(component.updatedAt),
    position: component.position,
    description: component.description,
    showcase: component.showcase,
    start_date: component.startDate,
    group_id: component.groupId,
    page_id: page.id,
    group: false,
    only_show_if_degraded: component.onlyShowIfDegraded,
  };
}

function groupJson(page: PageInfo, group: PublicGroup): Json {
  const time = timeIn(page);
  return {
    id: group.id,
    name: group.name,
    status: group.status,
    created_at: time(group.createdAt),
    updated_at: time(group.updatedAt),
    position: group.position,
    description: group.description,
    showcase: false,
    start_date: null,
    group_id: null,
    page_id: page.id,
    group: true,
    only_show_if_degraded: false,
    components: group.componentIds,
  };
}

/** Groups and components in one list ordered by position, levels interleaved as Statuspage does. */
export function componentsJson(
  status: Pick<PublicStatus, 'page' | 'groups' | 'components'>,
): Json[] {
  const entries = [
    ...status.groups.map((group) => ({
      position: group.position,
      json: groupJson(status.page, group),
    })),
    ...status.components.map((component) => ({
      position: component.position,
      json: componentJson(status.page, component),
    })),
  ];
  // Array.prototype.sort is stable: equal positions keep groups before their peers.
  return entries.sort((a, b) => a.position - b.position).map((entry) => entry.json);
}

interface Catalogue {
  page: PageInfo;
  groups: readonly PublicGroup[];
  components: readonly PublicComponent[];
}

/** Statuspage names a grouped component "Group - Component" in affected_components. */
function displayName(catalogue: Catalogue, componentId: string, name: string): string {
  const component = catalogue.components.find((c) => c.id === componentId);
  const group = component?.groupId
    ? catalogue.groups.find((g) => g.id === component.groupId)
    : undefined;
  return group ? `${group.name} - ${name}` : name;
}

function updateJson<S>(catalogue: Catalogue, parentId: string, update: PublicUpdate<S>): Json {
  const time = timeIn(catalogue.page);
  return {
    id: update.id,
    status: update.status,
    body: update.body,
    incident_id: parentId,
    created_at: time(update.createdAt),
    updated_at: time(update.updatedAt),
    display_at: time(update.displayAt),
    affected_components:
      update.componentChanges.length === 0
        ? null
        : update.componentChanges.map((change) => ({
            code: change.componentId,
            name: displayName(catalogue, change.componentId, change.name),
            old_status: change.oldStatus,
            new_status: change.newStatus,
          })),
    deliver_notifications: update.notified,
    custom_tweet: null,
    tweet_id: null,
  };
}

function attachedComponents(catalogue: Catalogue, ids: readonly string[]): Json[] {
  return catalogue.components
    .filter((component) => ids.includes(component.id))
    .map((component) => componentJson(catalogue.page, component));
}

export function incidentJson(catalogue: Catalogue, incident: PublicIncident): Json {
  const time = timeIn(catalogue.page);
  return {
    id: incident.id,
    name: incident.title,
    status: incident.status,
    created_at: time(incident.createdAt),
    updated_at: time(incident.updatedAt),
    monitoring_at: time(incident.monitoringAt),
    resolved_at: time(incident.resolvedAt),
    impact: incident.impact,
    shortlink: `${catalogue.page.url}/incidents/${incident.id}`,
    started_at: time(incident.startedAt),
    page_id: catalogue.page.id,
    incident_updates: incident.updates.map((update) => updateJson(catalogue, incident.id, update)),
    components: attachedComponents(catalogue, incident.componentIds),
  };
}

export function maintenanceJson(catalogue: Catalogue, maintenance: PublicMaintenance): Json {
  const time = timeIn(catalogue.page);
  return {
    id: maintenance.id,
    name: maintenance.title,
    status: maintenance.status,
    created_at: time(maintenance.createdAt),
    updated_at: time(maintenance.updatedAt),
    monitoring_at: time(maintenance.verifyingAt),
    resolved_at: time(maintenance.completedAt),
    impact: 'maintenance',
    shortlink: `${catalogue.page.url}/maintenance/${maintenance.id}`,
    started_at: time(maintenance.startedAt ?? maintenance.createdAt),
    page_id: catalogue.page.id,
    incident_updates: maintenance.updates.map((update) =>
      updateJson(catalogue, maintenance.id, update),
    ),
    components: attachedComponents(catalogue, maintenance.componentIds),
    scheduled_for: time(maintenance.scheduledFor),
    scheduled_until: time(maintenance.scheduledUntil),
  };
}

/**
 * The documents under /api/v2/ that show the current status, by path, each made when asked for:
 * a request for status.json need not write 500 components.
 */
export function statuspageDocuments(status: PublicStatus): Record<string, () => Json> {
  const page = () => pageJson(status.page);
  const incidents = (list: readonly PublicIncident[]) => list.map((i) => incidentJson(status, i));
  const maintenances = (list: readonly PublicMaintenance[]) =>
    list.map((m) => maintenanceJson(status, m));
  const statusJson = () => ({
    indicator: status.overall.indicator,
    description: status.overall.description,
  });
  return {
    'summary.json': () => ({
      page: page(),
      components: componentsJson(status),
      incidents: incidents(status.unresolvedIncidents),
      scheduled_maintenances: maintenances(status.openMaintenances),
      status: statusJson(),
    }),
    'status.json': () => ({ page: page(), status: statusJson() }),
    'components.json': () => ({ page: page(), components: componentsJson(status) }),
    'incidents/unresolved.json': () => ({
      page: page(),
      incidents: incidents(status.unresolvedIncidents),
    }),
    'scheduled-maintenances/upcoming.json': () => ({
      page: page(),
      scheduled_maintenances: maintenances(
        status.openMaintenances.filter((m) => m.status === 'scheduled'),
      ),
    }),
    'scheduled-maintenances/active.json': () => ({
      page: page(),
      scheduled_maintenances: maintenances(
        status.openMaintenances.filter((m) => m.status !== 'scheduled'),
      ),
    }),
  };
}

/** The documents under /api/v2/ that list the latest items, by path, made when asked for. */
export function recentDocuments(
  status: PublicStatus,
  recent: PublicRecent,
): Record<string, () => Json> {
  return {
    'incidents.json': () => ({
      page: pageJson(status.page),
      incidents: recent.recentIncidents.map((i) => incidentJson(status, i)),
    }),
    'scheduled-maintenances.json': () => ({
      page: pageJson(status.page),
      scheduled_maintenances: recent.recentMaintenances.map((m) => maintenanceJson(status, m)),
    }),
  };
}
