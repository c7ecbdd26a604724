import type { IncidentStatus, MaintenanceStatus, Severity } from './enums.ts';

/**
 * Incident statuses may move in any order until `resolved`, which is final: a resolved incident
 * takes further `resolved` updates (a follow-up, an apology) but reopening is a deliberate act.
 * @example canMoveIncident('monitoring', 'investigating') // true
 */
export function canMoveIncident(from: IncidentStatus, to: IncidentStatus): boolean {
  return from !== 'resolved' || to === 'resolved';
}

const maintenanceMoves: Record<MaintenanceStatus, readonly MaintenanceStatus[]> = {
  scheduled: ['scheduled', 'in_progress', 'completed', 'cancelled'],
  in_progress: ['in_progress', 'verifying', 'completed'],
  verifying: ['verifying', 'in_progress', 'completed'],
  completed: ['completed'],
  cancelled: ['cancelled'],
};

/**
 * A maintenance runs forwards: scheduled → in progress ⇄ verifying → completed. Completing a
 * scheduled one directly ends it early (nothing ran); only a scheduled one can be cancelled (one
 * that runs is completed early instead, so its timeline says what happened).
 */
export function canMoveMaintenance(from: MaintenanceStatus, to: MaintenanceStatus): boolean {
  return maintenanceMoves[from].includes(to);
}

/** Whether a maintenance in this status holds its components under maintenance. */
export const maintenanceIsActive = (status: MaintenanceStatus): boolean =>
  status === 'in_progress' || status === 'verifying';

const cadenceMinutes: Record<Severity, number | null> = {
  sev1: 15,
  sev2: 30,
  sev3: 60,
  sev4: null,
  sev5: null,
};

/**
 * When the next public update is due by default, from the severity's cadence; `null` when the
 * severity promises none or the incident is resolved.
 * @example defaultNextUpdateAt('sev1', 'investigating', new Date('2026-01-01T00:00:00Z')) // 00:15Z
 */
export function defaultNextUpdateAt(
  severity: Severity,
  status: IncidentStatus,
  now: Date,
): Date | null {
  const minutes = cadenceMinutes[severity];
  if (minutes === null || status === 'resolved') return null;
  return new Date(now.getTime() + minutes * 60_000);
}

const reviewDays: Record<Severity, number> = { sev1: 1, sev2: 3, sev3: 7, sev4: 7, sev5: 7 };

/**
 * When the post-incident review is due: SEV-1 within 24 hours of resolution, SEV-2 within 3 days,
 * every other incident within 7 days.
 * @example reviewDueAt('sev2', new Date('2026-01-01T00:00:00Z')) // 2026-01-04T00:00:00Z
 */
export function reviewDueAt(severity: Severity, resolvedAt: Date): Date {
  return new Date(resolvedAt.getTime() + reviewDays[severity] * 86_400_000);
}

/**
 * Where an incident's review stands: not due before the incident is resolved, done once its
 * postmortem is published, overdue after the severity's deadline.
 */
export function reviewState(
  incident: { severity: Severity; resolvedAt: Date | null },
  published: boolean,
  now: Date,
): { dueAt: Date | null; state: 'not_due' | 'done' | 'due' | 'overdue' } {
  if (!incident.resolvedAt) return { dueAt: null, state: 'not_due' };
  const dueAt = reviewDueAt(incident.severity, incident.resolvedAt);
  if (published) return { dueAt, state: 'done' };
  return { dueAt, state: dueAt.getTime() < now.getTime() ? 'overdue' : 'due' };
}

/** Whether a promised next update has passed without one. */
export function isOverdue(nextUpdateAt: Date | null, now: Date): boolean {
  return nextUpdateAt !== null && nextUpdateAt.getTime() < now.getTime();
}
