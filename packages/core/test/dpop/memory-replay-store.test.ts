// The in-memory DPoP replay store (RFC 9449 §11.1): each id once until it expires, bounded by
// entries and bytes, and refusing (never forgetting a live id) when full.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryDpopReplayStore } from '@tokengate/core';

afterEach(() => {
  vi.useRealTimers();
});

const T0 = 1_700_000_000_000;

describe('createMemoryDpopReplayStore', () => {
  it('answers true for a new id and false for the same id again', () => {
    const store = createMemoryDpopReplayStore();
    const until = Date.now() + 60_000;
    expect(store.remember('jkt:one', until)).toBe(true);
    expect(store.remember('jkt:one', until)).toBe(false);
    expect(store.remember('jkt:two', until)).toBe(true);
    expect(store.remember('other-jkt:one', until)).toBe(true);
    expect(store.size).toBe(3);
  });

  it('forgets an id once it has expired', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: T0 });
    const store = createMemoryDpopReplayStore();
    expect(store.remember('jkt:one', T0 + 10_000)).toBe(true);
    vi.setSystemTime(T0 + 10_000);
    expect(store.remember('jkt:one', T0 + 10_000)).toBe(false);
    vi.setSystemTime(T0 + 10_001);
    expect(store.remember('jkt:one', T0 + 20_000)).toBe(true);
  });

  it('refuses a new id when full of live ones, and never forgets a live id to make room', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: T0 });
    const store = createMemoryDpopReplayStore({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c']) expect(store.remember(id, T0 + 60_000)).toBe(true);
    expect(() => store.remember('d', T0 + 60_000)).toThrow(RangeError);
    // Every live id is still there: an LRU would have dropped `a`, letting its proof replay.
    for (const id of ['a', 'b', 'c']) expect(store.remember(id, T0 + 60_000)).toBe(false);
    expect(store.size).toBe(3);
  });

  it('makes room from expired ids, looking for them at most once a second', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: T0 });
    const store = createMemoryDpopReplayStore({ maxEntries: 2 });
    expect(store.remember('live', T0 + 60_000)).toBe(true);
    expect(store.remember('short', T0 + 500)).toBe(true);
    vi.setSystemTime(T0 + 400);
    expect(() => store.remember('new', T0 + 60_000)).toThrow(RangeError);
    vi.setSystemTime(T0 + 600);
    // `short` expired, but the last scan was 200 ms ago.
    expect(() => store.remember('new', T0 + 60_000)).toThrow(RangeError);
    vi.setSystemTime(T0 + 1_400);
    expect(store.remember('new', T0 + 60_000)).toBe(true);
    expect(store.remember('live', T0 + 60_000)).toBe(false);
  });

  it('is bounded by bytes as well as entries', () => {
    const store = createMemoryDpopReplayStore({ maxEntries: 1000, maxBytes: 2_000 });
    const until = Date.now() + 60_000;
    let stored = 0;
    expect(() => {
      for (; stored < 1000; stored += 1) store.remember(`${'k'.repeat(300)}:${stored}`, until);
    }).toThrow(RangeError);
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(5);
  });

  it('throws (a 503 for the caller) on arguments it cannot store', () => {
    const store = createMemoryDpopReplayStore();
    expect(() => store.remember('k', Number.NaN)).toThrow(TypeError);
    expect(() => store.remember(1 as unknown as string, Date.now())).toThrow(TypeError);
  });

  it('validates its options at creation', () => {
    expect(() => createMemoryDpopReplayStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => createMemoryDpopReplayStore({ maxBytes: 1.5 })).toThrow(/maxBytes/);
    expect(() => createMemoryDpopReplayStore({ maxEntires: 5 } as never)).toThrow(
      /did you mean `maxEntries`/,
    );
    expect(() => createMemoryDpopReplayStore(null as never)).toThrow(TypeError);
  });

  it('closes without error, more than once', async () => {
    const store = createMemoryDpopReplayStore();
    await store.close?.();
    await store.close?.();
    expect(store.size).toBe(0);
  });
});
