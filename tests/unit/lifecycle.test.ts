import { describe, expect, it } from 'vitest';
import { incidentStatuses, type MaintenanceStatus, maintenanceStatuses } from '#domain/enums.ts';
import {
  canMoveIncident,
  canMoveMaintenance,
  defaultNextUpdateAt,
  isOverdue,
  maintenanceIsActive,
  reviewDueAt,
  reviewState,
} from '#domain/lifecycle.ts';

describe('canMoveIncident', () => {
  it('allows any order before resolution', () => {
    for (const from of incidentStatuses.filter((s) => s !== 'resolved')) {
      for (const to of incidentStatuses) expect(canMoveIncident(from, to)).toBe(true);
    }
  });
  it('keeps a resolved incident resolved', () => {
    expect(canMoveIncident('resolved', 'resolved')).toBe(true);
    expect(canMoveIncident('resolved', 'investigating')).toBe(false);
    expect(canMoveIncident('resolved', 'monitoring')).toBe(false);
  });
});

describe('canMoveMaintenance', () => {
  const allowed: Record<MaintenanceStatus, MaintenanceStatus[]> = {
    scheduled: ['scheduled', 'in_progress', 'completed', 'cancelled'],
    in_progress: ['in_progress', 'verifying', 'completed'],
    verifying: ['verifying', 'in_progress', 'completed'],
    completed: ['completed'],
    cancelled: ['cancelled'],
  };
  for (const from of maintenanceStatuses) {
    for (const to of maintenanceStatuses) {
      const expected = allowed[from].includes(to);
      it(`${from} → ${to}: ${expected ? 'allowed' : 'refused'}`, () => {
        expect(canMoveMaintenance(from, to)).toBe(expected);
      });
    }
  }
  it('holds components only while in progress or verifying', () => {
    expect(maintenanceStatuses.filter(maintenanceIsActive)).toEqual(['in_progress', 'verifying']);
  });
});

describe('defaultNextUpdateAt', () => {
  const now = new Date('2026-01-01T00:00:00.000Z');
  it.each([
    ['sev1', '2026-01-01T00:15:00.000Z'],
    ['sev2', '2026-01-01T00:30:00.000Z'],
    ['sev3', '2026-01-01T01:00:00.000Z'],
    ['sev4', null],
    ['sev5', null],
  ] as const)('%s promises %s', (severity, expected) => {
    expect(defaultNextUpdateAt(severity, 'investigating', now)?.toISOString() ?? null).toBe(
      expected,
    );
  });
  it('promises nothing once resolved', () => {
    expect(defaultNextUpdateAt('sev1', 'resolved', now)).toBeNull();
  });
});

describe('reviewDueAt and isOverdue', () => {
  const resolved = new Date('2026-01-01T00:00:00.000Z');
  it.each([
    ['sev1', '2026-01-02T00:00:00.000Z'],
    ['sev2', '2026-01-04T00:00:00.000Z'],
    ['sev3', '2026-01-08T00:00:00.000Z'],
    ['sev5', '2026-01-08T00:00:00.000Z'],
  ] as const)('a %s review is due %s', (severity, due) => {
    expect(reviewDueAt(severity, resolved).toISOString()).toBe(due);
  });
  it('calls a passed promise overdue, and no promise never', () => {
    expect(isOverdue(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:01Z'))).toBe(
      true,
    );
    expect(isOverdue(new Date('2026-01-01T00:00:02Z'), new Date('2026-01-01T00:00:01Z'))).toBe(
      false,
    );
    expect(isOverdue(null, new Date())).toBe(false);
  });
});

describe('reviewState', () => {
  const resolvedAt = new Date('2026-01-01T00:00:00.000Z');
  const at = (iso: string) => new Date(iso);
  it('is not due while the incident is open', () => {
    expect(reviewState({ severity: 'sev1', resolvedAt: null }, false, resolvedAt)).toEqual({
      dueAt: null,
      state: 'not_due',
    });
  });
  it('is due until the deadline, then overdue, and done once published', () => {
    const sev2 = { severity: 'sev2' as const, resolvedAt };
    expect(reviewState(sev2, false, at('2026-01-03T23:59:59Z')).state).toBe('due');
    expect(reviewState(sev2, false, at('2026-01-04T00:00:01Z')).state).toBe('overdue');
    expect(reviewState(sev2, true, at('2026-02-01T00:00:00Z'))).toEqual({
      dueAt: at('2026-01-04T00:00:00Z'),
      state: 'done',
    });
  });
});
