import {
  type ComponentStatus,
  componentStatuses,
  type Impact,
  type Indicator,
  impacts,
  indicators,
  type Severity,
} from './enums.ts';

const rank = (status: ComponentStatus): number => componentStatuses.indexOf(status);

/**
 * The worst of several component statuses; `operational` when there are none.
 * @example worstStatus(['operational', 'partial_outage']) // 'partial_outage'
 */
export function worstStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst: ComponentStatus = 'operational';
  for (const status of statuses) if (rank(status) > rank(worst)) worst = status;
  return worst;
}

/** A group shows the worst status of its children, as Statuspage groups do. */
export const groupStatus = worstStatus;

/** Severity sets the public impact unless a person overrides it. */
export function impactFromSeverity(severity: Severity): Impact {
  switch (severity) {
    case 'sev1':
      return 'critical';
    case 'sev2':
      return 'major';
    case 'sev3':
    case 'sev4':
      return 'minor';
    case 'sev5':
      return 'none';
  }
}

const indicatorFromComponent: Record<ComponentStatus, Indicator> = {
  operational: 'none',
  under_maintenance: 'maintenance',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

const indicatorFromImpact: Record<Impact, Indicator> = {
  none: 'none',
  minor: 'minor',
  major: 'major',
  critical: 'critical',
};

/** Statuspage's description text for each indicator. */
export const indicatorDescriptions: Record<Indicator, string> = {
  none: 'All Systems Operational',
  maintenance: 'Service Under Maintenance',
  minor: 'Partially Degraded Service',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
};

export interface OverallStatusInput {
  /** Statuses of the components the audience can see. */
  componentStatuses: Iterable<ComponentStatus>;
  /** Impacts of the unresolved incidents the audience can see. */
  unresolvedImpacts: Iterable<Impact>;
  /** Whether a maintenance the audience can see is in progress. */
  maintenanceInProgress: boolean;
}

/**
 * The page's overall indicator: the worst of the component statuses and the impacts of unresolved
 * incidents; `maintenance` when a maintenance runs and nothing is worse.
 * @example overallStatus({componentStatuses: ['degraded_performance'], unresolvedImpacts: [], maintenanceInProgress: false})
 *   // { indicator: 'minor', description: 'Partially Degraded Service' }
 */
export function overallStatus(input: OverallStatusInput): {
  indicator: Indicator;
  description: string;
} {
  let indicator: Indicator = input.maintenanceInProgress ? 'maintenance' : 'none';
  const raise = (candidate: Indicator) => {
    if (indicators.indexOf(candidate) > indicators.indexOf(indicator)) indicator = candidate;
  };
  for (const status of input.componentStatuses) raise(indicatorFromComponent[status]);
  for (const impact of input.unresolvedImpacts) raise(indicatorFromImpact[impact]);
  return { indicator, description: indicatorDescriptions[indicator] };
}

/** The worse of two impacts. */
export function worseImpact(a: Impact, b: Impact): Impact {
  return impacts.indexOf(a) >= impacts.indexOf(b) ? a : b;
}
