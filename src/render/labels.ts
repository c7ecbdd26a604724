import type {
  ActionItemPriority,
  ActionItemStatus,
  ComponentStatus,
  Impact,
  IncidentStatus,
  IncidentType,
  Indicator,
  MaintenanceStatus,
  NotificationState,
  Severity,
  SubscriberState,
} from '#domain/enums.ts';

// Words people read for each status. Colour is never the only signal: every status has a label
// and an icon shape of its own.

export const componentStatusLabels: Record<ComponentStatus, string> = {
  operational: 'Operational',
  under_maintenance: 'Under maintenance',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export const incidentStatusLabels: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export const maintenanceStatusLabels: Record<MaintenanceStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export const impactLabels: Record<Impact, string> = {
  none: 'No impact',
  minor: 'Minor impact',
  major: 'Major impact',
  critical: 'Critical impact',
};

/** The tone (CSS modifier) of each status, shared by banners, dots and badges. */
export type Tone = 'ok' | 'maintenance' | 'minor' | 'major' | 'critical';

export const componentTone: Record<ComponentStatus, Tone> = {
  operational: 'ok',
  under_maintenance: 'maintenance',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

export const indicatorTone: Record<Indicator, Tone> = {
  none: 'ok',
  maintenance: 'maintenance',
  minor: 'minor',
  major: 'major',
  critical: 'critical',
};

export const impactTone: Record<Impact, Tone> = {
  none: 'ok',
  minor: 'minor',
  major: 'major',
  critical: 'critical',
};

/** A text symbol per tone, so status reads without colour: ✓ ok, ! minor, ✕ outage. */
export const toneSymbol: Record<Tone, string> = {
  ok: '✓',
  maintenance: '⚙',
  minor: '!',
  major: '▲',
  critical: '✕',
};

/** Short CSS class of each day bar: `n` no data, then one per status. */
export const barClass: Record<ComponentStatus | 'none', string> = {
  none: 'n',
  operational: 'ok',
  under_maintenance: 'um',
  degraded_performance: 'dg',
  partial_outage: 'po',
  major_outage: 'mo',
};

export const severityLabels: Record<Severity, string> = {
  sev1: 'SEV-1',
  sev2: 'SEV-2',
  sev3: 'SEV-3',
  sev4: 'SEV-4',
  sev5: 'SEV-5',
};

/** What each severity means, shown beside the choice when an incident is declared. */
export const severityDefinitions: Record<Severity, string> = {
  sev1: 'Critical: the service is down, or data is at risk, for most customers. All hands.',
  sev2: 'Major: a core feature is broken or badly degraded for many customers.',
  sev3: 'Minor: a feature is degraded or some customers are affected; a workaround exists.',
  sev4: 'Low: a small problem few customers notice; fixed in normal working hours.',
  sev5: 'Informational: no customer impact; recorded to learn from.',
};

export const incidentTypeLabels: Record<IncidentType, string> = {
  outage: 'Outage',
  performance: 'Performance',
  data: 'Data',
  security: 'Security',
  deployment: 'Deployment',
  infrastructure: 'Infrastructure',
  third_party: 'Third party',
  environmental: 'Environmental',
};

export const actionItemPriorityLabels: Record<ActionItemPriority, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

export const actionItemStatusLabels: Record<ActionItemStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  done: 'Done',
  wont_do: "Won't do",
};

export const subscriberStateLabels: Record<SubscriberState, string> = {
  pending: 'Pending (not confirmed)',
  active: 'Active',
  unsubscribed: 'Unsubscribed',
  bounced: 'Bounced',
  complained: 'Complained',
};

/**
 * Why an address is suppressed. The state is the reason: a provider's bounce or complaint
 * event sets it (src/services/subscribers/suppress.ts), and nothing is sent to it again.
 */
export const suppressionReasons: Partial<Record<SubscriberState, string>> = {
  bounced: 'The provider could not deliver to this address (a bounce); nothing more is sent.',
  complained: 'The recipient marked an email as spam (a complaint); nothing more is sent.',
};

export const notificationStateLabels: Record<NotificationState, string> = {
  queued: 'Queued',
  batched: 'Batched',
  sent: 'Sent',
  failed: 'Failed',
  skipped: 'Skipped',
};
