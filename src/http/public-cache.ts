import type { App } from '#api/app.ts';
import type { Candor } from '#services/candor.ts';
import { publicOutput } from './public-outputs.ts';
import { createResponseCache, type Rendered } from './response-cache.ts';

/** Outputs dropped by a write that are rendered again at once, most used first. */
const rewarmLimit = 20;

/**
 * The process's cache of finished public outputs, filled by rendering through the app itself
 * (so a cached answer is byte for byte what the app answers) and emptied by the changes the
 * services announce. What a write drops and was in use is rendered again straight away, so the
 * next reader does not wait and the last good copy is current if the database then goes away.
 */
export function createPublicCache(app: App, candor: Candor) {
  const render = async (key: string): Promise<Rendered> => {
    const response = await app.fetch(new Request(new URL(key, candor.site.siteUrl)));
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
  };
  const cache = createResponseCache({
    render,
    // Pages say "ongoing for 12 minutes": rendered again at least this often while read.
    refreshAfterMs: 30_000,
    maxEntries: 5_000,
    maxBytes: 256 * 1024 * 1024,
  });
  const stop = candor.onChange((tags) => {
    for (const dropped of cache.invalidate(tags).slice(0, rewarmLimit)) {
      const output = publicOutput(dropped.key);
      if (output) cache.refresh(output);
    }
  });
  return { cache, stop };
}
