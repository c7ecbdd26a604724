// npm run export -- --out DIR [--live-url URL]
// Writes the whole public site as static files (see docs/operating.md, "Static export").
import { parseArgs } from 'node:util';
import { loadConfig } from '#config';
import { exportStaticSite } from '#http/static-export.ts';
import { openCandor } from '#services/open.ts';
import { createSite } from '../boot.ts';
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
  const { app, clientDir } = await createSite(candor);
  const result = await exportStaticSite(app, candor, {
    out: values.out,
    liveUrl: values['live-url']?.replace(/\/+$/, '') ?? candor.site.siteUrl,
    clientDir,
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
