/**
 * Where a provider's key comes from, in the window's language: one entry per key state, so a
 * new state fails to compile here.
 */
import { t } from '../../lib/i18n/i18n.svelte';
import type { KeyState, KeyStatus } from '../../lib/ipc';

const WORDS: Readonly<Record<KeyState, (s: KeyStatus) => string>> = {
  keychain: (s) => (s.hint ? t('keys.inKeychainHint', { hint: s.hint }) : t('keys.inKeychain')),
  env: (s) => t('keys.fromEnv', { var: s.var ?? '' }),
  env_unset: (s) => t('keys.fromEnvUnset', { var: s.var ?? '' }),
  config_ref: () => t('keys.fromSecretRef'),
  plaintext: () => t('keys.plaintext'),
  not_needed: () => t('keys.notNeeded'),
  missing: () => t('keys.missing'),
};

export function keyStateText(status: KeyStatus): string {
  return WORDS[status.state](status);
}

/** A key that is there: one in the keychain, or a variable that is set. */
export function keyIsThere(state: KeyState | undefined): boolean {
  return state === 'keychain' || state === 'env';
}

/** A key that should be there and is not, or should not be where it is. */
export function keyNeedsCare(state: KeyState | undefined): boolean {
  return state === 'missing' || state === 'env_unset' || state === 'plaintext';
}
