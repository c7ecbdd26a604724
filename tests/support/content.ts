import type { Content } from '#services/content/load-content.ts';
import { catalogueSchema, loadContent, siteSchema } from '#services/content/load-content.ts';

/** The project's own email and message templates, from content/ (part of the repository). */
const { emails, templates } = await loadContent('content');

/** A small catalogue made for tests: two groups, an ungrouped component, one internal. */
export function testContent(overrides: { timeZone?: string } = {}): Content {
  return {
    emails,
    templates,
    site: siteSchema.parse({
      name: 'Testco',
      time_zone: overrides.timeZone ?? 'Etc/UTC',
      support_url: 'https://support.testco.example',
    }),
    catalogue: catalogueSchema.parse({
      groups: [
        {
          key: 'core',
          name: 'Core',
          components: [
            { key: 'api', name: 'API' },
            { key: 'auth', name: 'Auth' },
          ],
        },
        {
          key: 'ops',
          name: 'Ops',
          audience: 'internal',
          components: [{ key: 'deploys', name: 'Deploys', audience: 'internal' }],
        },
      ],
      components: [{ key: 'web', name: 'Website' }],
    }),
  };
}
