import type { IncomingMessage, ServerResponse } from 'node:http';
import { publicOutput } from './public-outputs.ts';
import { type ResponseCache, sendCached, sendRendered } from './response-cache.ts';

/**
 * The first code every request meets. A GET of a public output is answered from the cache of
 * finished responses, before any framework runs; everything else goes on to the app. No per-IP
 * limit applies here: during an outage thousands of readers share one office's address.
 */
export function frontHandler(
  cache: ResponseCache,
  next: (req: IncomingMessage, res: ServerResponse) => void,
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const output =
      (req.method === 'GET' || req.method === 'HEAD') && req.url ? publicOutput(req.url) : null;
    if (!output) {
      next(req, res);
      return;
    }
    const entry = cache.peek(output.key);
    if (entry) {
      sendCached(req, res, entry);
      if (cache.due(entry)) void cache.refresh(output);
      return;
    }
    cache.get(output).then(
      (result) =>
        'variants' in result ? sendCached(req, res, result) : sendRendered(req, res, result),
      (error: unknown) => {
        console.error(`Rendering ${output.key} failed, and there is no earlier copy:`, error);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.writeHead(503, {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
          'retry-after': '5',
        });
        res.end(
          '503 Service Unavailable: this page cannot be rendered right now. Try again shortly.\n',
        );
      },
    );
  };
}
