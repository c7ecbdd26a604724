// The domain's vocabularies, import-free so that the database schema, zod validators, renderers and
// Astro components all share one definition. Names follow Atlassian Statuspage's exactly: tools
// that speak its API read ours without a mapping.

/** Component status, best first: the order is the severity ranking used by worst-of. */
export const componentStatuses = [
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
] as const;
export type ComponentStatus = (typeof componentStatuses)[number];

export const incidentStatuses = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

/** `cancelled`: called off before it began; it leaves every public list. */
export const maintenanceStatuses = [
  'scheduled',
  'in_progress',
  'verifying',
  'completed',
  'cancelled',
] as const;
export type MaintenanceStatus = (typeof maintenanceStatuses)[number];

/** What the public sees of an incident's gravity, mildest first. */
export const impacts = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof impacts)[number];

/** Internal gravity: SEV-1 is a critical complete outage, SEV-5 informational. */
export const severities = ['sev1', 'sev2', 'sev3', 'sev4', 'sev5'] as const;
export type Severity = (typeof severities)[number];

export const incidentTypes = [
  'outage',
  'performance',
  'data',
  'security',
  'deployment',
  'infrastructure',
  'third_party',
  'environmental',
] as const;
export type IncidentType = (typeof incidentTypes)[number];

export const audiences = ['public', 'internal'] as const;
export type Audience = (typeof audiences)[number];

/** Statuspage's `status.indicator`, mildest first. */
export const indicators = ['none', 'maintenance', 'minor', 'major', 'critical'] as const;
export type Indicator = (typeof indicators)[number];

export const actionItemPriorities = ['low', 'medium', 'high', 'critical'] as const;
export type ActionItemPriority = (typeof actionItemPriorities)[number];

export const actionItemStatuses = ['open', 'in_progress', 'done', 'wont_do'] as const;
export type ActionItemStatus = (typeof actionItemStatuses)[number];

export const tokenScopes = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof tokenScopes)[number];

export const subscriberStates = [
  'pending',
  'active',
  'unsubscribed',
  'bounced',
  'complained',
] as const;
export type SubscriberState = (typeof subscriberStates)[number];

export const notificationKinds = ['confirmation', 'incident_update', 'maintenance_update'] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** queued → batched → sent | failed; skipped when the subscriber left before it was batched. */
export const notificationStates = ['queued', 'batched', 'sent', 'failed', 'skipped'] as const;
export type NotificationState = (typeof notificationStates)[number];

export const batchStates = ['pending', 'sent', 'failed'] as const;
export type BatchState = (typeof batchStates)[number];

/** Viewers read the internal page; editors also run incidents; admins also manage people. */
export const userRoles = ['viewer', 'editor', 'admin'] as const;
export type UserRole = (typeof userRoles)[number];

/**
 * Whether `role` may do what `needed` may: roles are ordered, each holding the ones before it.
 * @example roleAtLeast('editor', 'viewer') // true
 */
export const roleAtLeast = (role: UserRole, needed: UserRole): boolean =>
  userRoles.indexOf(role) >= userRoles.indexOf(needed);
