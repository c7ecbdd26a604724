import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '#tests/support/harness.ts';
import { startPagesServer } from '#tests/support/pages-server.ts';

// A status page with many components: past 50 rows of bars, each group shows one row, the worst
// of its components, above a folded list of them; their own bars stay on their pages.

let h: Harness;
let site: Awaited<ReturnType<typeof startPagesServer>>;
const regions = ['Region A', 'Region B', 'Region C'];
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await makeHarness();
  site = await startPagesServer(h.candor);
}, 60_000);
afterAll(async () => {
  await site?.close();
  h?.close();
});

const home = async () => (await fetch(`${site.url}/`)).text();
const barsOf = (name: string) => `aria-label="${name}, last 90 days"`;

describe('a page of many components', () => {
  it('shows each component its own bars while the page is small', async () => {
    const page = await home();
    expect(page).toContain(barsOf('API'));
    expect(page).not.toContain('class="members"');
  });

  it('shows one row of bars per group past 50, folded open only where something is wrong', async () => {
    for (const region of regions) {
      for (let i = 1; i <= 20; i++) {
        const name = `${region} node ${i}`;
        const created = await h.request('POST', '/api/v1/components', { name, group: region });
        expect(created.status).toBe(201);
        ids[name] = created.json.id;
      }
    }
    const broken = await h.request('PATCH', `/api/v1/components/${ids['Region B node 7']}`, {
      status: 'major_outage',
    });
    expect(broken.status).toBe(200);
    // An hour of it, for today's bar to show (the read model is kept a second of real time).
    h.clock.advance(3_600_000);
    h.candor.changed(['status']);

    const page = await home();
    for (const region of regions) expect(page).toContain(barsOf(region));
    for (const name of Object.keys(ids)) {
      expect(page).toContain(`>${name}</a>`);
      expect(page).not.toContain(barsOf(name));
    }
    const folds = [
      ...page.matchAll(
        /<details class="members"( open)?>\s*<summary>(\d+) components<\/summary>\s*<ul class="rows" aria-label="([^"]+) components"/g,
      ),
    ].map((m) => [m[3], m[2], Boolean(m[1])]);
    expect(folds).toEqual(
      expect.arrayContaining([
        ['Region A', '20', false],
        ['Region B', '20', true],
        ['Region C', '20', false],
      ]),
    );
    // Today's bar of Region B shows its worst component.
    const regionB = page.slice(page.indexOf(barsOf('Region B')));
    const lastBar = regionB.slice(0, regionB.indexOf('</div>')).split('<').at(-2);
    expect(lastBar).toMatch(/class="mo"/);
  });

  it("keeps each component's bars on its own page", async () => {
    const id = ids['Region B node 7'] as string;
    const page = await (await fetch(`${site.url}/components/${id}`)).text();
    expect(page).toContain(barsOf('Region B node 7'));
  });
});
