import { describe, expect, it } from 'vitest';
import type { ChatModel } from '../../lib/ipc';
import { waitsForLoad } from './coldLoad';

const model = (loaded: boolean | null, local = true): ChatModel => ({
  id: 'lmstudio/gemma',
  label: 'gemma',
  ref: 'lmstudio/gemma',
  alias: null,
  name: 'Gemma',
  place: local ? 'this_machine' : 'leaves',
  local,
  private: local,
  contextWindow: 8192,
  reasoning: false,
  quantization: null,
  loaded,
  speed: null,
  images: false,
});

const answer = (content = '', streaming = true) => ({
  role: 'assistant' as const,
  streaming,
  content,
  reasoning: '',
  model: 'lmstudio/gemma',
});

describe('waitsForLoad', () => {
  it('shows while a local model that was not loaded has not answered yet', () => {
    const waiting = answer();
    expect(waitsForLoad(waiting, [model(false)], [waiting])).toBe(true);
    expect(waitsForLoad(answer('Hi'), [model(false)], [])).toBe(false);
    expect(waitsForLoad(answer('', false), [model(false)], [])).toBe(false);
    expect(waitsForLoad(waiting, [model(true)], [waiting])).toBe(false);
    expect(waitsForLoad(waiting, [model(null)], [waiting])).toBe(false);
    expect(waitsForLoad(waiting, [model(false, false)], [waiting])).toBe(false);
  });

  it('not after the same model answered in this conversation', () => {
    const waiting = answer();
    expect(waitsForLoad(waiting, [model(false)], [answer('Earlier', false), waiting])).toBe(false);
  });
});
