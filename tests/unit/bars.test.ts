import { describe, expect, it } from 'vitest';
import { barsMarkup, uptimeBarsMarkup } from '#render/bars.ts';
import type { DayBar } from '#services/read/public-model.ts';

const quiet: DayBar = { day: '2026-09-03', worst: 'operational', downtimeMs: 0, incidentIds: [] };
const before: DayBar = { day: '2026-09-02', worst: null, downtimeMs: 0, incidentIds: [] };
const bad: DayBar = {
  day: '2026-09-04',
  worst: 'partial_outage',
  downtimeMs: 1,
  incidentIds: ['newer0000001', 'older0000001'],
};
const slow: DayBar = {
  day: '2026-09-05',
  worst: 'degraded_performance',
  downtimeMs: 0,
  incidentIds: [],
};

describe('barsMarkup', () => {
  it('writes quiet days as plain elements and eventful ones as links to the day', () => {
    expect(barsMarkup([before, quiet, bad, slow], '/components/c1')).toBe(
      '<i class="n" title="Sep 2: No data"></i>' +
        '<i class="ok" title="Sep 3: Operational"></i>' +
        '<a class="po" href="/components/c1?day=2026-09-04#day" title="Sep 4: Partial outage, 2 incidents"></a>' +
        '<a class="dg" href="/components/c1?day=2026-09-05#day" title="Sep 5: Degraded performance"></a>',
    );
  });

  it('links a group day to its newest incident, and leaves a day without one plain', () => {
    expect(barsMarkup([bad, slow], null)).toBe(
      '<a class="po" href="/incidents/newer0000001" title="Sep 4: Partial outage, 2 incidents"></a>' +
        '<i class="dg" title="Sep 5: Degraded performance"></i>',
    );
  });

  it('escapes what it writes into attributes', () => {
    expect(barsMarkup([bad], '/components/"><script>')).toContain(
      'href="/components/&quot;&gt;&lt;script&gt;?day=2026-09-04#day"',
    );
  });
});

describe('uptimeBarsMarkup', () => {
  it("writes the same as barsMarkup, and keeps the past days' part with their array", () => {
    const past = [before, quiet, bad];
    const uptime = { past, days: [...past, slow], uptime30: null, uptime90: null };
    expect(uptimeBarsMarkup(uptime, null)).toBe(barsMarkup(uptime.days, null));
    expect(uptimeBarsMarkup(uptime, '/components/c1')).toBe(
      barsMarkup(uptime.days, '/components/c1'),
    );
    // The same array again: its markup is not written anew (the store makes a new array when a
    // past day changes, never changes one in place).
    past[0] = { ...before, worst: 'major_outage' };
    expect(uptimeBarsMarkup(uptime, null)).toContain('title="Sep 2: No data"');
    const changed = { ...uptime, past: [...past] };
    expect(uptimeBarsMarkup(changed, null)).toContain('title="Sep 2: Major outage"');
  });
});
