import { describe, expect, it } from 'vitest';
import {
  addMonths,
  dateInZone,
  instantOfLocalTime,
  isoInZone,
  isTimeZone,
  localTimeInZone,
  monthInZone,
  startOfMonthInZone,
  zoneOffsetMinutes,
} from '#domain/time.ts';

describe('isoInZone', () => {
  it.each([
    ['2021-12-07T18:07:15.773Z', 'America/Denver', '2021-12-07T11:07:15.773-07:00'],
    ['2021-07-07T18:07:15.773Z', 'America/Denver', '2021-07-07T12:07:15.773-06:00'],
    ['2024-09-16T21:31:02.719Z', 'Etc/UTC', '2024-09-16T21:31:02.719Z'],
    ['2026-03-01T23:30:00.000Z', 'Asia/Kolkata', '2026-03-02T05:00:00.000+05:30'],
    ['2026-01-01T00:00:00.000Z', 'Europe/London', '2026-01-01T00:00:00.000Z'],
  ])('%s in %s → %s', (instant, zone, expected) => {
    expect(isoInZone(new Date(instant), zone)).toBe(expected);
  });

  it('always writes the offset with a colon, as RFC 3339 parsers need', () => {
    const text = isoInZone(new Date('2026-06-01T12:00:00Z'), 'Europe/Berlin');
    expect(text).toMatch(/\.\d{3}[+-]\d{2}:\d{2}$/);
    expect(new Date(text).getTime()).toBe(Date.parse('2026-06-01T12:00:00Z'));
  });
});

describe('zone helpers', () => {
  it('knows real zones and refuses made-up ones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
  it('reads offsets east positive', () => {
    expect(zoneOffsetMinutes(new Date('2026-01-15T00:00:00Z'), 'Europe/Berlin')).toBe(60);
    expect(zoneOffsetMinutes(new Date('2026-01-15T00:00:00Z'), 'America/New_York')).toBe(-300);
  });
  it('gives the local calendar date and month', () => {
    const lateEvening = new Date('2026-01-31T23:30:00Z');
    expect(dateInZone(lateEvening, 'Europe/Berlin')).toBe('2026-02-01');
    expect(monthInZone(lateEvening, 'Europe/Berlin')).toBe('2026-02');
    expect(monthInZone(lateEvening, 'America/Denver')).toBe('2026-01');
  });
  it.each([
    ['2026-01', -1, '2025-12'],
    ['2026-11', 2, '2027-01'],
    ['2026-03', -14, '2025-01'],
  ])('addMonths(%s, %i) → %s', (month, count, expected) => {
    expect(addMonths(month, count)).toBe(expected);
  });
  it('finds local midnight at the start of a month, across DST', () => {
    expect(startOfMonthInZone('2026-04', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-31T22:00:00.000Z',
    );
    expect(startOfMonthInZone('2026-03', 'Europe/Berlin').toISOString()).toBe(
      '2026-02-28T23:00:00.000Z',
    );
    expect(startOfMonthInZone('2026-11', 'Etc/UTC').toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });
});

describe('datetime-local fields', () => {
  it('reads a wall-clock time in the zone, across a DST change', () => {
    expect(instantOfLocalTime('2026-11-27T21:15', 'Europe/Berlin')?.toISOString()).toBe(
      '2026-11-27T20:15:00.000Z',
    );
    expect(instantOfLocalTime('2026-07-01T09:00', 'America/Denver')?.toISOString()).toBe(
      '2026-07-01T15:00:00.000Z',
    );
    expect(instantOfLocalTime('2026-03-29T03:30:15', 'Europe/London')?.toISOString()).toBe(
      '2026-03-29T02:30:15.000Z',
    );
  });
  it('refuses what is not a wall-clock time', () => {
    for (const text of ['', 'tomorrow', '2026-11-27', '2026-11-27 21:15', '2026-13-01T00:00x']) {
      expect(instantOfLocalTime(text, 'UTC')).toBeNull();
    }
  });
  it('refuses a day or a time that does not exist, instead of rolling it over', () => {
    for (const text of [
      '2026-02-31T10:00',
      '2026-13-01T00:00',
      '2026-11-27T24:00',
      '2026-11-27T10:60',
      '2026-11-27T10:00:60',
      '2026-00-10T10:00',
    ]) {
      expect(instantOfLocalTime(text, 'Europe/Berlin')).toBeNull();
    }
    expect(instantOfLocalTime('2028-02-29T12:00', 'UTC')?.toISOString()).toBe(
      '2028-02-29T12:00:00.000Z',
    );
    expect(instantOfLocalTime('0050-06-01T00:00', 'UTC')?.toISOString()).toBe(
      '0050-06-01T00:00:00.000Z',
    );
  });
  it('writes the value a field shows, and reads it back', () => {
    const at = new Date('2026-11-27T20:15:00.000Z');
    expect(localTimeInZone(at, 'Europe/Berlin')).toBe('2026-11-27T21:15');
    expect(instantOfLocalTime(localTimeInZone(at, 'Asia/Kolkata'), 'Asia/Kolkata')).toEqual(at);
  });
});
