// The public read model: what anyone on the internet may see. Every row is filtered for the
// public audience in the query that reads it, and these types have no field for anything
// internal (severity, type, roles, internal notes), so a renderer holding them cannot leak it.
// Objects are built field by field, never by spreading a row.

import type {
  ComponentStatus,
  Impact,
  IncidentStatus,
  Indicator,
  MaintenanceStatus,
} from '#domain/enums.ts';

/** What every page shows of the site itself, with no data read: name, links, colours. */
export type SitePage = Omit<PageInfo, 'updatedAt'>;

export interface PageInfo {
  id: string;
  name: string;
  description: string | null;
  /** Absolute, without a trailing slash. */
  url: string;
  timeZone: string;
  supportUrl: string | null;
  brandColor: string;
  logo: string | null;
  updatedAt: Date;
}

export interface PublicComponent {
  id: string;
  name: string;
  description: string | null;
  status: ComponentStatus;
  /** Order within its level: the top level, or its group. */
  position: number;
  groupId: string | null;
  showcase: boolean;
  onlyShowIfDegraded: boolean;
  startDate: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PublicGroup {
  id: string;
  name: string;
  description: string | null;
  position: number;
  /** The worst status of its components. */
  status: ComponentStatus;
  componentIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface PublicComponentChange {
  componentId: string;
  name: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
}

export interface PublicUpdate<S> {
  id: string;
  status: S;
  /** Markdown as written; renderers sanitise it. */
  body: string;
  displayAt: Date;
  createdAt: Date;
  updatedAt: Date;
  notified: boolean;
  componentChanges: PublicComponentChange[];
  /** When its text was corrected after publication; pages mark it edited. */
  editedAt: Date | null;
}

export interface PublicIncident {
  kind: 'incident';
  id: string;
  title: string;
  status: IncidentStatus;
  impact: Impact;
  startedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  monitoringAt: Date | null;
  resolvedAt: Date | null;
  /** When the next public update is promised; null when none is. */
  nextUpdateAt: Date | null;
  /** Newest first. */
  updates: PublicUpdate<IncidentStatus>[];
  componentIds: string[];
  /** The public part of its published postmortem (Markdown), if any. */
  postmortem: { body: string; publishedAt: Date; updatedAt: Date } | null;
}

export interface PublicMaintenance {
  kind: 'maintenance';
  id: string;
  title: string;
  status: MaintenanceStatus;
  scheduledFor: Date;
  scheduledUntil: Date;
  startedAt: Date | null;
  verifyingAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Newest first. */
  updates: PublicUpdate<MaintenanceStatus>[];
  componentIds: string[];
}

/** One day's bar: the worst status (null: no data), weighted downtime, the incidents of the day. */
export interface DayBar {
  day: string;
  worst: ComponentStatus | null;
  downtimeMs: number;
  incidentIds: string[];
}

/** A component's or group's last 90 days. */
export interface ComponentUptime {
  /** Oldest first, today last. */
  days: DayBar[];
  /**
   * The same days before today, as one array that stays the same object from read to read
   * until one of them changes: what is made from them (their markup) can be kept with them.
   */
  past: readonly DayBar[];
  /** Percent over the last 30 and 90 days; null when nothing was observed. */
  uptime30: number | null;
  uptime90: number | null;
}

export interface OverallStatus {
  indicator: Indicator;
  description: string;
}

/** Everything the status page, the v2 JSON and the badges need, in one consistent read. */
export interface PublicStatus {
  page: PageInfo;
  overall: OverallStatus;
  groups: PublicGroup[];
  /** Every public component, grouped ones included, ordered for display. */
  components: PublicComponent[];
  /** Unresolved incidents, newest first. */
  unresolvedIncidents: PublicIncident[];
  /** Scheduled, in progress or verifying, soonest first. */
  openMaintenances: PublicMaintenance[];
  /** The last 90 days of every public component and group, by id. */
  uptime: { get(id: string): ComponentUptime | undefined };
}

/** The latest incidents and maintenances: the v2 lists and the site's feeds. */
export interface PublicRecent {
  /** The 50 most recent incidents and every unresolved one, newest first. */
  recentIncidents: PublicIncident[];
  /** The 50 most recent maintenances and every open one, newest first. */
  recentMaintenances: PublicMaintenance[];
}

/** One page of history: whole months, newest first, empty months included. */
export interface PublicHistoryPage {
  page: PageInfo;
  months: { month: string; events: (PublicIncident | PublicMaintenance)[] }[];
  pageNumber: number;
  hasOlder: boolean;
}
