import { describe, expect, it } from 'vitest';
import { memoByText } from '#lib/memo.ts';

describe('memoByText', () => {
  it('computes an input once while it is among the most recently used', () => {
    const seen: string[] = [];
    const upper = memoByText(
      (text) => {
        seen.push(text);
        return text.toUpperCase();
      },
      { limit: 2, maxLength: 5 },
    );
    expect([upper('a'), upper('b'), upper('a')]).toEqual(['A', 'B', 'A']);
    expect(seen).toEqual(['a', 'b']);
    upper('c'); // b is now the least recently used, and goes
    upper('a');
    upper('b');
    expect(seen).toEqual(['a', 'b', 'c', 'b']);
    // Longer than maxLength: computed every time.
    upper('longer');
    upper('longer');
    expect(seen.filter((text) => text === 'longer')).toHaveLength(2);
  });
});
