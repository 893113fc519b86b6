/**
 * A chat's generation parameters as typed in the Parameters popover: each field's text to a
 * value the core accepts (the same ranges as `history::Parameters::validate`), or why not.
 * An empty field is the model's default.
 */
import { t } from '../../lib/i18n/i18n.svelte';
import type { ConversationParameters } from '../../lib/ipc';

export type ParameterName = keyof ConversationParameters;

export type Parsed = { ok: true; value: number | null } | { ok: false; error: string };

/** `text` as parameter `name`: null when empty, else a number in range. */
export function parseParameter(name: ParameterName, text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  const value = Number(trimmed);
  switch (name) {
    case 'temperature':
      return Number.isFinite(value) && value >= 0 && value <= 2
        ? { ok: true, value }
        : { ok: false, error: t('chat.temperatureRange') };
    case 'topP':
      return Number.isFinite(value) && value > 0 && value <= 1
        ? { ok: true, value }
        : { ok: false, error: t('chat.topPRange') };
    case 'maxTokens':
      return Number.isSafeInteger(value) && value >= 1
        ? { ok: true, value }
        : { ok: false, error: t('chat.maxTokensRange') };
  }
}
