import { describe, expect, it } from 'vitest';
import { newId } from '#lib/ids.ts';
import { cached } from '#services/read/cached.ts';

describe('newId', () => {
  it('makes 12 lowercase base-36 characters, like Statuspage ids', () => {
    const ids = Array.from({ length: 2000 }, newId);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('cached', () => {
  it('loads once for concurrent readers and again after invalidation', async () => {
    let loads = 0;
    const value = cached(async () => ++loads, { maxAgeMs: 60_000 });
    expect(await Promise.all([value.get(), value.get(), value.get()])).toEqual([1, 1, 1]);
    value.invalidate();
    expect(await value.get()).toBe(2);
  });

  it('expires after maxAgeMs', async () => {
    let clock = 0;
    let loads = 0;
    const value = cached(async () => ++loads, { maxAgeMs: 1000, now: () => clock });
    await value.get();
    clock = 999;
    expect(await value.get()).toBe(1);
    clock = 1000;
    expect(await value.get()).toBe(2);
  });

  it('counts its age from when a load finished, so a slow load does not arrive expired', async () => {
    let clock = 0;
    let loads = 0;
    const value = cached(
      async () => {
        loads += 1;
        await Promise.resolve();
        clock += 1500; // the load takes longer than maxAgeMs
        return loads;
      },
      { maxAgeMs: 1000, now: () => clock },
    );
    expect(await value.get()).toBe(1);
    clock += 500;
    expect(await value.get()).toBe(1);
  });

  it('does not keep a load that began before an invalidation', async () => {
    let release: (n: number) => void = () => {};
    let loads = 0;
    const value = cached(
      () => {
        loads += 1;
        return loads === 1
          ? new Promise<number>((resolve) => (release = resolve))
          : Promise.resolve(loads);
      },
      { maxAgeMs: 60_000 },
    );
    const stale = value.get();
    value.invalidate();
    release(1);
    expect(await stale).toBe(1);
    expect(await value.get()).toBe(2);
  });

  it('retries after a failed load', async () => {
    let loads = 0;
    const value = cached(
      async () => {
        loads += 1;
        if (loads === 1) throw new Error('database away');
        return loads;
      },
      { maxAgeMs: 60_000 },
    );
    await expect(value.get()).rejects.toThrow('database away');
    expect(await value.get()).toBe(2);
  });
});
