/**
 * A value loaded on demand and kept until invalidated or older than `maxAgeMs`. Concurrent
 * readers share one load (single flight); a load that began before an invalidation is dropped
 * with it, so a read never brings back what a write has just replaced.
 * @example const status = cached(() => loadPublicStatus(db, info), { maxAgeMs: 1000 });
 */
export function cached<T>(
  load: () => Promise<T>,
  options: { maxAgeMs: number; now?: () => number },
): { get(): Promise<T>; invalidate(): void } {
  const now = options.now ?? Date.now;
  let entry: { value: Promise<T>; at: number } | null = null;
  return {
    get() {
      if (entry && now() - entry.at < options.maxAgeMs) return entry.value;
      const current = { value: load(), at: now() };
      entry = current;
      // A failed load is not kept: the next reader tries again.
      current.value.catch(() => {
        if (entry === current) entry = null;
      });
      return current.value;
    },
    invalidate() {
      entry = null;
    },
  };
}
