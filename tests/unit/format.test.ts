import { describe, expect, it } from 'vitest';
import { addDays } from '#domain/time.ts';
import { formatDay } from '#render/format.ts';

describe('formatDay', () => {
  it('writes every day of a leap year as en-US does', () => {
    const intl = new Intl.DateTimeFormat('en-US', {
      timeZone: 'UTC',
      month: 'short',
      day: 'numeric',
    });
    for (let i = 0, day = '2028-01-01'; i < 366; i++, day = addDays(day, 1)) {
      expect(formatDay(day)).toBe(intl.format(new Date(`${day}T12:00:00Z`)));
    }
  });
});
