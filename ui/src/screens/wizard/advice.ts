/**
 * The seed's advice on a model (core's `discovery::Warning`), worded in the window's language
 * from its code and values. The `switch` is exhaustive: a new code fails to compile here.
 */
import { formatTokens, t } from '../../lib/i18n/i18n.svelte';
import type { ModelWarning } from '../../lib/ipc';

export function adviceText(w: ModelWarning): string {
  switch (w.code) {
    case 'small_context':
      return t('advice.smallContext', { size: formatTokens(w.tokens) });
    case 'aggressive_quantization':
      return t('advice.aggressiveQuantization', { bits: w.bits });
    case 'small_checkpoint':
      return t('advice.smallCheckpoint', { size: w.size });
    case 'not_loaded':
      return t('advice.notLoaded');
    case 'no_tool_use':
      return t('advice.noToolUse');
  }
}
