/**
 * A value loaded on demand and kept until invalidated or `maxAgeMs` after its load finished. Concurrent
 * readers share one load (single flight); a load that began before an invalidation is dropped
 * with it, so a read never brings back what a write has just replaced.
 * @example const status = cached(() => loadPublicStatus(db, info), { maxAgeMs: 1000 });
 */
export function cached<T>(
  load: () => Promise<T>,
  options: { maxAgeMs: number; now?: () => number },
): { get(): Promise<T>; invalidate(): void } {
  const now = options.now ?? Date.now;
  // `at` is when the load finished (null while it runs): a load slower than `maxAgeMs` must not
  // arrive already expired, or every reader would start another.
  let entry: { value: Promise<T>; at: number | null } | null = null;
  return {
    get() {
      if (entry && (entry.at === null || now() - entry.at < options.maxAgeMs)) return entry.value;
      const current: { value: Promise<T>; at: number | null } = { value: load(), at: null };
      entry = current;
      current.value.then(
        () => {
          current.at = now();
        },
        // A failed load is not kept: the next reader tries again.
        () => {
          if (entry === current) entry = null;
        },
      );
      return current.value;
    },
    invalidate() {
      entry = null;
    },
  };
}
