/**
 * Counts events per key in a sliding window, in memory. For form abuse (subscriptions per IP), not
 * for pages: public reads are never limited, since during an outage thousands of readers share
 * one office or carrier address.
 * @example const limit = createRateLimiter({ limit: 10, windowMs: 60_000 }); limit.hit('203.0.113.9', Date.now())
 */
export function createRateLimiter(options: { limit: number; windowMs: number }) {
  const hits = new Map<string, number[]>();
  return {
    /** Records one event; says whether it is allowed and, if not, when to retry. */
    hit(
      key: string,
      now: number,
    ): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
      const recent = (hits.get(key) ?? []).filter((at) => at > now - options.windowMs);
      if (recent.length >= options.limit) {
        hits.set(key, recent);
        const oldest = recent[0] ?? now;
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((oldest + options.windowMs - now) / 1000)),
        };
      }
      recent.push(now);
      hits.set(key, recent);
      // Forget idle keys now and then, so the map does not grow without end.
      if (hits.size > 10_000) {
        for (const [k, times] of hits)
          if ((times.at(-1) ?? 0) <= now - options.windowMs) hits.delete(k);
      }
      return { allowed: true };
    },
  };
}
