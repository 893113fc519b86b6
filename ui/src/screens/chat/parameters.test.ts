import { describe, expect, it } from 'vitest';
import { parseParameter } from './parameters';

describe('parseParameter', () => {
  it('takes values in each range and an empty field as the default', () => {
    expect(parseParameter('temperature', '0.2')).toEqual({ ok: true, value: 0.2 });
    expect(parseParameter('temperature', '0')).toEqual({ ok: true, value: 0 });
    expect(parseParameter('topP', '1')).toEqual({ ok: true, value: 1 });
    expect(parseParameter('maxTokens', ' 512 ')).toEqual({ ok: true, value: 512 });
    expect(parseParameter('maxTokens', '')).toEqual({ ok: true, value: null });
  });

  it('refuses values outside the range with a message naming the parameter', () => {
    for (const [name, text] of [
      ['temperature', '2.5'],
      ['temperature', '-1'],
      ['topP', '0'],
      ['topP', '1.5'],
      ['maxTokens', '0'],
      ['maxTokens', '1.5'],
      ['maxTokens', 'many'],
    ] as const) {
      const parsed = parseParameter(name, text);
      expect(parsed.ok, `${name}=${text}`).toBe(false);
    }
    const refused = parseParameter('topP', '0');
    expect(refused.ok === false && refused.error).toMatch(/Top-p/);
  });
});
