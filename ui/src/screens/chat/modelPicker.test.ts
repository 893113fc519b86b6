import { describe, expect, it } from 'vitest';
import type { ChatModel } from '../../lib/ipc';
import { matches, moveActive, pickerGroups, seconds } from './modelPicker';

function model(id: string, local: boolean, extra: Partial<ChatModel> = {}): ChatModel {
  return {
    id,
    label: id,
    ref: id,
    alias: null,
    name: id,
    place: local ? 'this_machine' : 'leaves',
    local,
    private: local,
    contextWindow: null,
    reasoning: false,
    images: false,
    quantization: null,
    loaded: null,
    speed: null,
    ...extra,
  };
}

const MODELS: ChatModel[] = [
  model('fast', true, { alias: 'fast', ref: 'lmstudio/qwen3-8b', name: 'Qwen3 8B' }),
  model('openai/gpt-5', false, { name: 'GPT-5' }),
  model('lmstudio/qwen3-8b', true, { name: 'Qwen3 8B', quantization: 'Q4_K_M' }),
  // A proxy on this machine: grouped here, though not private.
  model('litellm/claude', true, { place: 'may_forward', private: false, name: 'Claude' }),
  model('anthropic/claude-sonnet', false, { name: 'Claude Sonnet' }),
  model('lmstudio/exaone', true, { name: '엑사원 4.0' }),
];

const ids = (groups: ReturnType<typeof pickerGroups>) =>
  groups.map((g) => [g.id, g.models.map((m) => m.id)]);

describe('pickerGroups', () => {
  it('puts models on this machine first, then hosted ones, each in the order given', () => {
    expect(ids(pickerGroups(MODELS, ''))).toEqual([
      ['here', ['fast', 'lmstudio/qwen3-8b', 'litellm/claude', 'lmstudio/exaone']],
      ['hosted', ['openai/gpt-5', 'anthropic/claude-sonnet']],
    ]);
  });

  it('groups by the place it is given, not by the name', () => {
    // A provider called "local" that is hosted stays hosted.
    const tricky = [model('local/gpt', false), model('openai-proxy/gpt', true)];
    expect(ids(pickerGroups(tricky, ''))).toEqual([
      ['here', ['openai-proxy/gpt']],
      ['hosted', ['local/gpt']],
    ]);
  });

  it('filters by every word typed, and drops an empty group', () => {
    expect(ids(pickerGroups(MODELS, 'claude'))).toEqual([
      ['here', ['litellm/claude']],
      ['hosted', ['anthropic/claude-sonnet']],
    ]);
    expect(ids(pickerGroups(MODELS, 'SONNET claude'))).toEqual([
      ['hosted', ['anthropic/claude-sonnet']],
    ]);
    expect(ids(pickerGroups(MODELS, 'q4_k'))).toEqual([['here', ['lmstudio/qwen3-8b']]]);
    expect(pickerGroups(MODELS, 'nothing-like-this')).toEqual([]);
  });
});

describe('matches', () => {
  it('finds the alias target, the display name and Hangul names', () => {
    expect(matches(MODELS[0]!, 'qwen3')).toBe(true);
    expect(matches(MODELS[0]!, 'fast')).toBe(true);
    expect(matches(MODELS[5]!, '엑사원')).toBe(true);
    expect(matches(MODELS[5]!, '  ')).toBe(true);
    expect(matches(MODELS[1]!, 'qwen')).toBe(false);
  });
});

describe('moveActive', () => {
  const list = ['a', 'b', 'c'];
  it('moves down and up, wrapping around', () => {
    expect(moveActive(list, 'a', 1)).toBe('b');
    expect(moveActive(list, 'c', 1)).toBe('a');
    expect(moveActive(list, 'a', -1)).toBe('c');
  });
  it('starts at an end when nothing (or something filtered away) is active', () => {
    expect(moveActive(list, null, 1)).toBe('a');
    expect(moveActive(list, 'gone', -1)).toBe('c');
    expect(moveActive([], 'a', 1)).toBeNull();
  });
});

describe('seconds', () => {
  it('shows milliseconds as seconds with two decimals', () => {
    expect(seconds(420)).toBe('0.42');
    expect(seconds(1500)).toBe('1.50');
  });
});
