import type { App } from '#api/app.ts';
import type { Candor } from '#services/candor.ts';
import { fixedPublicPaths, publicOutput } from './public-outputs.ts';
import { createResponseCache, type Rendered } from './response-cache.ts';

/** How long a write waits for the outputs it changed to be rendered again. */
const settleLimitMs = 10_000;

/** Rendered at start, so the first readers after a restart do not wait. */
const warmAtStart = ['/', '/api/v2/summary.json', '/api/v2/status.json', '/badge.svg', '/history'];

/**
 * The process's cache of finished public outputs, filled by rendering through the app itself
 * (so a cached answer is byte for byte what the app answers) and kept current by the changes the
 * services announce. Outputs a write changed that are being read are rendered again at once,
 * their old copy served meanwhile; the write waits for those renders (`candor.settled()`), so
 * when it returns, this instance's outputs show it.
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

  /** Renders the stale outputs among `keys` until none is (a later write may overtake one). */
  const renderAgain = async (keys: readonly string[]) => {
    const deadline = Date.now() + settleLimitMs;
    let pending = keys;
    // A few rounds at most: a render that fails (the database away) leaves its output stale.
    for (let round = 0; round < 3 && pending.length > 0 && Date.now() < deadline; round++) {
      await Promise.all(
        pending.map((key) => {
          const output = publicOutput(key);
          return output ? cache.refresh(output) : undefined;
        }),
      );
      pending = pending.filter((key) => cache.peekStale(key));
    }
  };

  const stop = candor.onChange((tags) => renderAgain(cache.invalidate(tags).map((e) => e.key)));
  return {
    cache,
    stop,
    /**
     * Renders the most read outputs once, in the background, one after another: together they
     * would hold every render's garbage and every compressor at once, the start-up's peak memory.
     */
    async warm(): Promise<void> {
      for (const path of warmAtStart.filter((p) => fixedPublicPaths.includes(p))) {
        await renderAgain([path]);
      }
    },
  };
}
