import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ComponentStatus } from '#domain/enums.ts';
import { dateInZone } from '#domain/time.ts';
import {
  addInterval,
  combineDays,
  type DayFigure,
  dailyFigures,
  dayIndexAt,
  dayWindow,
  downtimeWeight,
  formatUptime,
  splitByDay,
  uptimePercent,
} from '#domain/uptime.ts';

const at = (iso: string) => new Date(iso);
const hour = 3_600_000;

describe('splitByDay', () => {
  it.each([
    [
      'inside one day',
      '2026-03-10T08:00:00Z',
      '2026-03-10T09:30:00Z',
      'Etc/UTC',
      [['2026-03-10', 1.5 * hour]],
    ],
    [
      'across midnight',
      '2026-03-10T23:00:00Z',
      '2026-03-11T01:00:00Z',
      'Etc/UTC',
      [
        ['2026-03-10', hour],
        ['2026-03-11', hour],
      ],
    ],
    [
      'across local midnight in Berlin (UTC+1)',
      '2026-03-10T22:30:00Z',
      '2026-03-10T23:30:00Z',
      'Europe/Berlin',
      [
        ['2026-03-10', 0.5 * hour],
        ['2026-03-11', 0.5 * hour],
      ],
    ],
    [
      'a whole 23-hour day when clocks go forward',
      '2026-03-28T23:00:00Z',
      '2026-03-29T22:00:00Z',
      'Europe/Berlin',
      [['2026-03-29', 23 * hour]],
    ],
    [
      'a whole 25-hour day when clocks go back',
      '2026-10-24T22:00:00Z',
      '2026-10-25T23:00:00Z',
      'Europe/Berlin',
      [['2026-10-25', 25 * hour]],
    ],
    [
      'three days in Los Angeles',
      '2026-01-01T06:00:00Z',
      '2026-01-03T10:00:00Z',
      'America/Los_Angeles',
      [
        ['2025-12-31', 2 * hour],
        ['2026-01-01', 24 * hour],
        ['2026-01-02', 24 * hour],
        ['2026-01-03', 2 * hour],
      ],
    ],
    ['an empty interval', '2026-03-10T08:00:00Z', '2026-03-10T08:00:00Z', 'Etc/UTC', []],
  ])('%s', (_, start, end, zone, expected) => {
    expect(splitByDay(at(start), at(end), zone).map((p) => [p.day, p.ms])).toEqual(expected);
  });
});

describe('downtime weights', () => {
  it('count major outages fully, partial ones 30 %, and nothing else', () => {
    expect(downtimeWeight).toEqual({
      operational: 0,
      under_maintenance: 0,
      degraded_performance: 0,
      partial_outage: 0.3,
      major_outage: 1,
    });
  });
});

describe('addInterval and uptimePercent', () => {
  it.each<[string, [ComponentStatus, number][], number | null]>([
    ['a quiet day', [['operational', 24]], 100],
    [
      'an hour of major outage',
      [
        ['operational', 23],
        ['major_outage', 1],
      ],
      100 * (1 - 1 / 24),
    ],
    [
      'ten hours of partial outage',
      [
        ['operational', 14],
        ['partial_outage', 10],
      ],
      100 * (1 - 3 / 24),
    ],
    ['degraded all day', [['degraded_performance', 24]], 100],
    ['maintenance all day', [['under_maintenance', 24]], 100],
    ['nothing observed', [], null],
  ])('%s', (_, pieces, expected) => {
    const figures = new Map<string, DayFigure>();
    let t = at('2026-05-01T00:00:00Z').getTime();
    for (const [status, hours] of pieces) {
      addInterval(figures, status, new Date(t), new Date(t + hours * hour), 'Etc/UTC');
      t += hours * hour;
    }
    const percent = uptimePercent([...figures.values()]);
    if (expected === null) expect(percent).toBeNull();
    else expect(percent).toBeCloseTo(expected, 10);
  });

  it('keeps the worst status of the day', () => {
    const figures = new Map<string, DayFigure>();
    addInterval(
      figures,
      'partial_outage',
      at('2026-05-01T01:00Z'),
      at('2026-05-01T02:00Z'),
      'Etc/UTC',
    );
    addInterval(
      figures,
      'degraded_performance',
      at('2026-05-01T02:00Z'),
      at('2026-05-01T05:00Z'),
      'Etc/UTC',
    );
    expect(figures.get('2026-05-01')?.worst).toBe('partial_outage');
  });
});

describe('dayWindow and dayIndexAt', () => {
  it("places instants on the zone's days, a 23-hour day across a clock change included", () => {
    // New York moved its clocks forward on 2026-03-08: that day has 23 hours.
    const window = dayWindow(at('2026-03-09T12:00:00Z'), 3, 'America/New_York');
    expect(window.days).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
    expect(window.bounds.map((b) => new Date(b).toISOString())).toEqual([
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
      '2026-03-10T04:00:00.000Z',
    ]);
    expect(dayIndexAt(window, Date.parse('2026-03-07T04:59:59.999Z'))).toBe(-1);
    expect(dayIndexAt(window, Date.parse('2026-03-07T05:00:00Z'))).toBe(0);
    expect(dayIndexAt(window, Date.parse('2026-03-09T03:59:59.999Z'))).toBe(1);
    expect(dayIndexAt(window, Date.parse('2026-03-09T04:00:00Z'))).toBe(2);
    expect(dayIndexAt(window, Date.parse('2026-03-10T04:00:00Z'))).toBe(3);
  });

  it('agrees with dateInZone for any instant in the window', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'Etc/UTC',
          'America/New_York',
          'Europe/Berlin',
          'Asia/Kolkata',
          'Pacific/Chatham',
        ),
        fc.integer({ min: 0, max: 40 * 24 * 3_600_000 - 1 }),
        (zone, offset) => {
          const window = dayWindow(at('2026-11-01T12:00:00Z'), 40, zone);
          const t = (window.bounds[0] as number) + offset;
          if (t >= (window.bounds[40] as number)) return;
          expect(window.days[dayIndexAt(window, t)]).toBe(dateInZone(new Date(t), zone));
        },
      ),
    );
  });
});

describe('dailyFigures', () => {
  const window = dayWindow(at('2026-05-03T12:00:00Z'), 4, 'Etc/UTC');
  const days = window.days;

  it('covers the window oldest first, ending today', () => {
    expect(days).toEqual(['2026-04-30', '2026-05-01', '2026-05-02', '2026-05-03']);
  });

  it('shows days before the component existed as no data, and adds the open interval up to now', () => {
    const figures = dailyFigures({
      window,
      closed: [
        { day: '2026-04-01', worst: 'major_outage', downtimeMs: hour, observedMs: hour },
        { day: '2026-05-02', worst: 'operational', downtimeMs: 0, observedMs: 10 * hour },
      ],
      open: { status: 'major_outage', start: at('2026-05-02T22:00:00Z'), end: null },
      now: at('2026-05-03T12:00:00Z'),
    });
    expect(figures.map((f) => f.worst)).toEqual([null, null, 'major_outage', 'major_outage']);
    expect(figures[2]).toMatchObject({ downtimeMs: 2 * hour, observedMs: 12 * hour });
    expect(figures[3]).toMatchObject({ downtimeMs: 12 * hour, observedMs: 12 * hour });
  });

  it('adds only the window of an interval open for a year', () => {
    const figures = dailyFigures({
      window,
      closed: [],
      open: { status: 'operational', start: at('2025-01-01T00:00:00Z'), end: null },
      now: at('2026-05-03T12:00:00Z'),
    });
    expect(figures.map((f) => f.observedMs)).toEqual([24 * hour, 24 * hour, 24 * hour, 12 * hour]);
  });
});

describe('combineDays', () => {
  it('gives a group the worst status and the summed time of its components', () => {
    const a: DayFigure[] = [
      { day: 'd', worst: 'operational', downtimeMs: 0, observedMs: 24 * hour },
    ];
    const b: DayFigure[] = [
      { day: 'd', worst: 'major_outage', downtimeMs: 6 * hour, observedMs: 24 * hour },
    ];
    const none: DayFigure[] = [{ day: 'd', worst: null, downtimeMs: 0, observedMs: 0 }];
    const [group] = combineDays([a, b, none]);
    expect(group).toEqual({
      day: 'd',
      worst: 'major_outage',
      downtimeMs: 6 * hour,
      observedMs: 48 * hour,
    });
    expect(uptimePercent(combineDays([a, b]))).toBeCloseTo(87.5, 10);
    expect(combineDays([none])[0]?.worst).toBeNull();
  });
});

describe('formatUptime', () => {
  it.each([
    [100, '100.00 %'],
    [99.999, '99.99 %'],
    [99.95, '99.95 %'],
    [0, '0.00 %'],
    [null, 'no data'],
  ])('%s → %s', (percent, text) => {
    expect(formatUptime(percent)).toBe(text);
  });
});
