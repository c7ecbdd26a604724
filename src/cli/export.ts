// npm run export -- --out DIR [--live-url URL]
// Writes the whole public site as static files (see docs/operating.md, "Static export").
import { parseArgs } from 'node:util';
import { createApp } from '#api/app.ts';
import { loadConfig } from '#config';
import { exportStaticSite } from '#http/static-export.ts';
import { openCandor } from '#services/open.ts';
import { pagesRoute } from '../boot.ts';
import { loadPages } from '../pages-bridge.ts';
import { fail } from './open.ts';

const usage = 'Usage: npm run export -- --out DIR [--live-url URL]';
const { values } = parseArgs({
  options: { out: { type: 'string' }, 'live-url': { type: 'string' } },
});
if (!values.out) fail(`--out is required. ${usage}`);

const started = performance.now();
const config = loadConfig(process.env);
const { candor, database } = await openCandor(config);
try {
  const pages = await loadPages();
  const app = createApp(candor, { pages: await pagesRoute(pages, candor) });
  const result = await exportStaticSite(app, candor, {
    out: values.out,
    liveUrl: values['live-url']?.replace(/\/+$/, '') ?? candor.site.siteUrl,
    clientDir: pages.clientDir,
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Exported ${result.files} files (${(result.bytes / 1024).toFixed(0)} KiB) to ${values.out} in ${seconds} s.`,
  );
} catch (error) {
  fail(`The export failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  database.close();
}
