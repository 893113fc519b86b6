import { clearMocks } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogError, knownProvider, loadCatalog, setCatalog } from './catalog';
import { scannedPorts, serverName } from './servers';
import { hostedPresets, presetById } from '../screens/wizard/presets';
import { mockBackend, sampleCatalog } from '../test/fixtures';
import type { KnownProvider } from './ipc';

afterEach(() => {
  clearMocks();
  setCatalog(sampleCatalog());
});

/** The sample catalog with every URL, name and variable changed, so nothing can come from elsewhere. */
function movedCatalog(): KnownProvider[] {
  return sampleCatalog().map((p) => ({
    ...p,
    name: `${p.name} (moved)`,
    baseUrl: p.baseUrl.replace(/^(https?:\/\/)[^/]+/, `$1${p.id}.moved.test`),
    envVar: p.envVar === null ? null : `MOVED_${p.envVar}`,
    port: p.port === null ? null : p.port + 1,
  }));
}

describe('catalog', () => {
  it('the presets, server names and ports come from catalog_providers', async () => {
    const calls = mockBackend({ handlers: { catalog_providers: () => movedCatalog() } });
    await loadCatalog();
    expect(calls).toEqual(['catalog_providers']);
    expect(catalogError()).toBeUndefined();

    const anthropic = presetById('anthropic');
    expect(anthropic.baseUrl).toBe('https://anthropic.moved.test/v1');
    expect(anthropic.api).toBe('anthropic-messages');
    expect(anthropic.envVar).toBe('MOVED_ANTHROPIC_API_KEY');
    expect(anthropic.label).toBe('Anthropic (moved)');
    expect(presetById('openrouter').baseUrl).toBe('https://openrouter.moved.test/api/v1');
    expect(hostedPresets().map((p) => p.id)).toEqual([
      'anthropic',
      'openai',
      'openrouter',
      'custom',
    ]);
    expect(serverName({ kind: 'lmstudio' })).toBe('LM Studio (moved)');
    expect(serverName({ kind: 'openai-compatible' })).toBe('OpenAI-compatible');
    expect(scannedPorts()).toContain('LM Studio (moved) :1235');
  });

  it('finds ids trimmed, in any case and by alias', () => {
    const xai: KnownProvider = {
      id: 'xai',
      aliases: ['x-ai'],
      name: 'xAI',
      description: 'Grok models',
      baseUrl: 'https://api.x.ai/v1',
      api: 'openai-completions',
      auth: 'bearer',
      envVar: 'XAI_API_KEY',
      placeholder: null,
      port: null,
      locality: 'hosted',
      forwards: false,
    };
    setCatalog([xai]);
    expect(knownProvider(' XAI ')?.id).toBe('xai');
    expect(knownProvider('x-ai')?.id).toBe('xai');
    expect(knownProvider('work')).toBeUndefined();
  });

  it('a failed load leaves only the custom preset and keeps the error', async () => {
    setCatalog([]);
    mockBackend();
    await loadCatalog();
    expect(catalogError()?.kind).toBe('not_found');
    expect(hostedPresets().map((p) => p.id)).toEqual(['custom']);
    expect(presetById('openai').id).toBe('custom');
  });
});
