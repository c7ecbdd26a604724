import { describe, expect, it } from 'vitest';
import type { ComponentStatus, Impact } from '#domain/enums.ts';
import {
  groupStatus,
  impactFromSeverity,
  overallStatus,
  worseImpact,
  worstStatus,
} from '#domain/status.ts';

describe('worstStatus', () => {
  it.each<[ComponentStatus[], ComponentStatus]>([
    [[], 'operational'],
    [['operational'], 'operational'],
    [['operational', 'under_maintenance'], 'under_maintenance'],
    [['under_maintenance', 'degraded_performance'], 'degraded_performance'],
    [['degraded_performance', 'partial_outage', 'operational'], 'partial_outage'],
    [['major_outage', 'partial_outage'], 'major_outage'],
    [['operational', 'major_outage', 'under_maintenance'], 'major_outage'],
  ])('%j → %s', (statuses, expected) => {
    expect(worstStatus(statuses)).toBe(expected);
  });

  it('is what a group shows', () => {
    expect(groupStatus(['operational', 'degraded_performance'])).toBe('degraded_performance');
  });
});

describe('impactFromSeverity', () => {
  it.each([
    ['sev1', 'critical'],
    ['sev2', 'major'],
    ['sev3', 'minor'],
    ['sev4', 'minor'],
    ['sev5', 'none'],
  ] as const)('%s → %s', (severity, impact) => {
    expect(impactFromSeverity(severity)).toBe(impact);
  });
});

describe('overallStatus', () => {
  const none = { componentStatuses: [], unresolvedImpacts: [], maintenanceInProgress: false };
  it.each<[string, Parameters<typeof overallStatus>[0], string, string]>([
    ['nothing wrong', none, 'none', 'All Systems Operational'],
    [
      'a degraded component',
      { ...none, componentStatuses: ['operational', 'degraded_performance'] },
      'minor',
      'Partially Degraded Service',
    ],
    [
      'a partial outage',
      { ...none, componentStatuses: ['partial_outage'] },
      'major',
      'Partial System Outage',
    ],
    [
      'a major outage',
      { ...none, componentStatuses: ['major_outage'] },
      'critical',
      'Major Service Outage',
    ],
    [
      'a critical incident on healthy components',
      { ...none, componentStatuses: ['operational'], unresolvedImpacts: ['critical'] },
      'critical',
      'Major Service Outage',
    ],
    [
      'an incident without impact',
      { ...none, unresolvedImpacts: ['none'] },
      'none',
      'All Systems Operational',
    ],
    [
      'maintenance alone',
      { ...none, componentStatuses: ['under_maintenance'], maintenanceInProgress: true },
      'maintenance',
      'Service Under Maintenance',
    ],
    [
      'maintenance beside a minor incident',
      { ...none, unresolvedImpacts: ['minor'], maintenanceInProgress: true },
      'minor',
      'Partially Degraded Service',
    ],
    [
      'the worse of component and incident',
      { ...none, componentStatuses: ['degraded_performance'], unresolvedImpacts: ['major'] },
      'major',
      'Partial System Outage',
    ],
  ])('%s', (_, input, indicator, description) => {
    expect(overallStatus(input)).toEqual({ indicator, description });
  });
});

describe('worseImpact', () => {
  it.each<[Impact, Impact, Impact]>([
    ['none', 'minor', 'minor'],
    ['critical', 'major', 'critical'],
    ['major', 'major', 'major'],
  ])('%s, %s → %s', (a, b, expected) => {
    expect(worseImpact(a, b)).toBe(expected);
  });
});
