/** The four top-level screens, in navigation order (Ctrl/Cmd+1..4 follow this order). */
export const SCREENS = [
  { id: 'chat', label: 'Chat' },
  { id: 'providers', label: 'Providers' },
  { id: 'setup', label: 'Setup' },
  { id: 'settings', label: 'Settings' },
] as const;

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
