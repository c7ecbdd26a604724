import { describe, expect, it } from 'vitest';
import { postmortemOutline } from '#render/postmortem.ts';

describe('postmortemOutline', () => {
  const at = (iso: string) => new Date(iso);
  const incident = {
    title: 'Checkout failed for card payments',
    startedAt: at('2026-11-20T10:00:00Z'),
    resolvedAt: at('2026-11-20T10:45:00Z'),
    customersAffected: 1200,
    businessImpact: 'Lost orders',
    updates: [
      {
        status: 'resolved' as const,
        body: 'Fixed. Sorry.',
        audience: 'public' as const,
        displayAt: at('2026-11-20T10:45:00Z'),
      },
      {
        status: 'identified' as const,
        body: 'The **eu-2** canary was skipped.',
        audience: 'internal' as const,
        displayAt: at('2026-11-20T10:20:00Z'),
      },
      {
        status: 'investigating' as const,
        body: 'We are looking into failed payments. More soon.',
        audience: 'public' as const,
        displayAt: at('2026-11-20T10:05:00Z'),
      },
    ],
  };
  const outline = postmortemOutline(incident, 'UTC');

  it('writes the public timeline from public updates only, oldest first', () => {
    const lines = outline.publicBody.split('\n').filter((line) => line.startsWith('- **'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('Investigating: We are looking into failed payments.');
    expect(lines[0]).not.toContain('More soon');
    expect(lines[1]).toContain('Resolved: Fixed.');
    expect(outline.publicBody).not.toContain('eu-2');
  });

  it('has every structured part, and the internal timeline with notes', () => {
    for (const heading of [
      '## Summary',
      '## Impact',
      '## Timeline',
      '## What happened',
      '## What we are changing',
      '## Our apology',
    ]) {
      expect(outline.publicBody).toContain(heading);
    }
    for (const heading of [
      '## Root cause',
      '## Contributing factors',
      '## What went well',
      '## What went badly',
    ]) {
      expect(outline.internalBody).toContain(heading);
    }
    expect(outline.internalBody).toContain(
      'Identified (internal note): The eu-2 canary was skipped.',
    );
    expect(outline.internalBody).toContain('Customers affected: 1200');
    expect(outline.publicBody).toContain('It lasted 45 min');
  });
});
