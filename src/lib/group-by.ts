/**
 * Groups rows by a key, keeping their order.
 * @example groupBy([{ id: 'a', n: 1 }, { id: 'a', n: 2 }], (row) => row.id).get('a')?.length // 2
 */
export function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const list = map.get(key(row));
    if (list) list.push(row);
    else map.set(key(row), [row]);
  }
  return map;
}
