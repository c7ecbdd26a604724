import type {
  ComponentStatus,
  Impact,
  IncidentStatus,
  Indicator,
  MaintenanceStatus,
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
