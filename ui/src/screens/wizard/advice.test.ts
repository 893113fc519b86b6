import { afterEach, describe, expect, it } from 'vitest';
import { applyLanguage } from '../../lib/i18n/i18n.svelte';
import { adviceText } from './advice';

afterEach(() => applyLanguage('en'));

describe("the seed's advice", () => {
  it('is worded from its code and values, not from core’s English', () => {
    const small = { code: 'small_context', message: 'core words', tokens: 8192 } as const;
    expect(adviceText(small)).toBe(
      'Its context window of 8K is under 16K: long chats and tool output get cut. Load it with a larger context.',
    );
    const quantized = { code: 'aggressive_quantization', message: 'x', bits: 3 } as const;
    expect(adviceText(quantized)).toContain('(3 bits per weight)');
  });

  it('speaks Korean in a Korean window, in the seed’s own words', () => {
    applyLanguage('ko');
    expect(adviceText({ code: 'small_checkpoint', message: 'x', size: '4B' })).toBe(
      '"소형" 체크포인트(4B)는 프롬프트 인젝션 위험을 높입니다. 실행 가능한 가장 큰 버전을 사용하세요.',
    );
    expect(adviceText({ code: 'not_loaded', message: 'x' })).toBe(
      '로드되지 않음: 첫 답변은 모델이 로드될 때까지 기다립니다.',
    );
  });
});
