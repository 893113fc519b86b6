import type { MessageId } from './i18n/i18n.svelte';
/**
 * The four top-level screens, in navigation order (Ctrl/Cmd+1..4 follow this order), each with
 * the message key of its name.
 */
export const SCREENS = [
  { id: 'chat', label: 'nav.chat' },
  { id: 'providers', label: 'nav.providers' },
  { id: 'setup', label: 'nav.setup' },
  { id: 'settings', label: 'nav.settings' },
] as const satisfies readonly { id: string; label: MessageId }[];

export type ScreenId = (typeof SCREENS)[number]['id'];

export const DEFAULT_SCREEN: ScreenId = 'chat';

export function isScreenId(value: unknown): value is ScreenId {
  return SCREENS.some((screen) => screen.id === value);
}

/** `#/settings` → `settings`; anything else → `undefined`. */
export function screenFromHash(hash: string): ScreenId | undefined {
  const id = hash.replace(/^#\/?/, '');
  return isScreenId(id) ? id : undefined;
}

export function hashFor(id: ScreenId): string {
  return `#/${id}`;
}
