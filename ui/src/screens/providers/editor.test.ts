import { describe, expect, it } from 'vitest';
import type { ConfigProvider } from '../../lib/ipc';
import { presetById } from '../wizard/presets';
import {
  clientProblems,
  draftFromPreset,
  draftFromProvider,
  keyPath,
  literalCredential,
  paths,
  toProviderInput,
} from './editor';

const provider: ConfigProvider = {
  id: 'lmstudio',
  baseUrl: 'http://127.0.0.1:1234/v1',
  api: 'openai-responses',
  auth: null,
  authHeader: null,
  maxTokens: 4096,
  timeoutSeconds: 30,
  key: 'none',
  hasHeaders: true,
  headers: [
    { name: 'Authorization', value: null },
    { name: 'X-Title', value: 'Switchboard' },
  ],
  models: [
    {
      ref: 'lmstudio/qwen',
      provider: 'lmstudio',
      id: 'qwen',
      name: 'Qwen',
      api: 'openai-responses',
      contextWindow: 32768,
      maxTokens: 4096,
      reasoning: true,
      input: ['text', 'audio'],
      cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      alias: null,
    },
  ],
};

describe('provider editor draft', () => {
  it('round-trips a provider: hidden headers are kept, defaults left out', () => {
    const draft = draftFromProvider(provider);
    expect(draft.headers[0]).toMatchObject({ name: 'Authorization', value: '', hidden: true });
    const input = toProviderInput(draft, provider);
    expect(input.headers).toEqual([
      { name: 'Authorization', value: { kind: 'keep' } },
      { name: 'X-Title', value: { kind: 'text', value: 'Switchboard' } },
    ]);
    expect(input.maxTokens).toBe(4096);
    expect(input.timeoutSeconds).toBe(30);
    expect(input.key).toEqual({ kind: 'keep' });
    expect(input.models?.[0]).toEqual({
      id: 'qwen',
      previousId: null,
      name: 'Qwen',
      api: null,
      reasoning: true,
      input: ['text', 'audio'],
      cost: null,
      contextWindow: 32768,
      maxTokens: 4096,
    });
  });

  it('sends the old id of a renamed model and typed-over hidden header values', () => {
    const draft = draftFromProvider(provider);
    draft.models[0]!.id = 'qwen-2';
    draft.headers[0]!.value = 'Bearer ${TOKEN}';
    const input = toProviderInput(draft, provider);
    expect(input.models?.[0]?.previousId).toBe('qwen');
    expect(input.headers?.[0]?.value).toEqual({ kind: 'text', value: 'Bearer ${TOKEN}' });
  });

  it('starts from a preset with its first model', () => {
    const draft = draftFromPreset(presetById('anthropic'));
    expect(draft).toMatchObject({ id: 'anthropic', api: 'anthropic-messages' });
    expect(draft.models[0]).toMatchObject({ id: 'claude-sonnet-4-5', contextWindow: 200000 });
    expect(draftFromPreset(presetById('custom')).id).toBe('');
  });

  it('names fields by the paths the core reports', () => {
    expect(keyPath('models.providers', 'lmstudio')).toBe('models.providers.lmstudio');
    expect(keyPath('models.providers', 'my.host')).toBe('models.providers["my.host"]');
    const p = paths(draftFromProvider(provider));
    expect(p.baseUrl).toBe('models.providers.lmstudio.baseUrl');
    expect(p.header('X Title')).toBe('models.providers.lmstudio.headers["X Title"]');
    expect(`${p.model(2)}.contextWindow`).toBe('models.providers.lmstudio.models[2].contextWindow');
  });

  it('checks only what the core cannot: ids, empty names', () => {
    const draft = draftFromPreset(presetById('custom'));
    const problems = clientProblems(draft, true, []);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('An id is'),
      'Enter the model id.',
      'Enter a display name.',
    ]);
    draft.id = 'lmstudio';
    expect(clientProblems(draft, true, ['lmstudio'])[0]?.message).toContain('exists already');
    const valid = draftFromProvider(provider);
    valid.models[0]!.contextWindow = -5;
    valid.baseUrl = 'ftp://x';
    expect(clientProblems(valid, false, ['lmstudio'])).toEqual([]);
  });

  it('flags literal credentials in auth-like headers only', () => {
    expect(literalCredential('Authorization', 'Bearer abc')).toBe(true);
    expect(literalCredential('X-Api-Key', '${MY_KEY}')).toBe(false);
    expect(literalCredential('X-Title', 'Switchboard')).toBe(false);
    expect(literalCredential('Authorization', '')).toBe(false);
  });
});
