import { describe, expect, it } from 'vitest';
import { ConfigStatusStore } from './configStatus.svelte';
import { sampleView } from '../test/fixtures';

const broken = sampleView({ exists: true, valid: false });

describe('config status', () => {
  it('knows at a first read that the last good config keeps routing', async () => {
    // A window opened (or reloaded) while the file is broken missed the event that said so.
    const store = new ConfigStatusStore(
      () => Promise.resolve(broken),
      () => Promise.resolve(true),
    );
    await store.refresh();
    expect(store.broken).toBe(true);
    expect(store.routesKept).toBe(true);
  });

  it('says nothing routes when the app started with the file broken', async () => {
    const store = new ConfigStatusStore(
      () => Promise.resolve(broken),
      () => Promise.resolve(false),
    );
    await store.refresh();
    expect(store.broken).toBe(true);
    expect(store.routesKept).toBe(false);
  });

  it('keeps what the last event said when the question fails', async () => {
    const store = new ConfigStatusStore(
      () => Promise.resolve(broken),
      () => Promise.reject(new Error('not in the app')),
    );
    await store.changed({ kind: 'kept', errors: ['config.json5:3:1: x'], routesKept: true });
    expect(store.routesKept).toBe(true);
  });
});
