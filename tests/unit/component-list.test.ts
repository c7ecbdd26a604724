import { describe, expect, it } from 'vitest';
import { componentCardMarkup, groupCardMarkup, statusLabelMarkup } from '#render/component-list.ts';
import type { PublicComponent, PublicGroup } from '#services/read/public-model.ts';

const at = new Date('2026-11-20T10:00:00Z');
const component = (over: Partial<PublicComponent>): PublicComponent => ({
  id: 'c1',
  name: 'API',
  description: null,
  status: 'operational',
  position: 1,
  groupId: 'g1',
  showcase: true,
  onlyShowIfDegraded: false,
  startDate: null,
  createdAt: at,
  updatedAt: at,
  ...over,
});
const group: PublicGroup = {
  id: 'g1',
  name: 'Core <b>',
  description: null,
  position: 1,
  status: 'major_outage',
  componentIds: ['c1', 'c2'],
  createdAt: at,
  updatedAt: at,
};

describe('the component list markup', () => {
  it('writes a status with its symbol as a character reference, and escapes the words', () => {
    expect(statusLabelMarkup('ok', 'Operational')).toBe(
      '<span class="status tone-ok"><span aria-hidden="true">&#10003;</span>Operational</span>',
    );
    expect(statusLabelMarkup('critical', '<x>')).toContain('&lt;x&gt;');
  });

  it('escapes names and descriptions wherever they are written', () => {
    const hostile = component({
      name: '"><script>alert(1)</script>',
      description: '<img src=x onerror=alert(1)>',
    });
    for (const markup of [
      componentCardMarkup(hostile, undefined),
      groupCardMarkup(group, [hostile], () => undefined, false),
      groupCardMarkup(group, [hostile], () => undefined, true),
    ]) {
      expect(markup).not.toContain('<script');
      expect(markup).not.toContain('<img');
      expect(markup).not.toContain('<b>');
    }
  });

  it("folds a large page's group, open only when one of its components has a problem", () => {
    const calm = [component({}), component({ id: 'c2', name: 'Auth' })];
    expect(groupCardMarkup(group, calm, () => undefined, true)).toContain(
      '<details class="members"><summary>2 components</summary>',
    );
    const troubled = [
      calm[0] as PublicComponent,
      component({ id: 'c2', status: 'partial_outage' }),
    ];
    expect(groupCardMarkup(group, troubled, () => undefined, true)).toContain(
      '<details class="members" open><summary>2 components</summary>',
    );
    expect(groupCardMarkup(group, calm, () => undefined, false)).not.toContain('<details');
  });
});
