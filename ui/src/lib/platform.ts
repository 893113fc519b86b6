/** True on macOS, where shortcuts use Cmd instead of Ctrl. */
export function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.userAgent);
}

/** Label for a Ctrl/Cmd+key shortcut, in the platform's usual spelling. */
export function shortcutLabel(key: string): string {
  return isMac() ? `⌘${key}` : `Ctrl+${key}`;
}

/** `aria-keyshortcuts` value for a Ctrl/Cmd+key shortcut. */
export function ariaShortcut(key: string): string {
  return isMac() ? `Meta+${key}` : `Control+${key}`;
}

/**
 * The 1-based digit of a Ctrl+digit (Cmd+digit on macOS) key press, or undefined.
 * Uses `code` as well as `key` so layouts such as AZERTY (where 1 is "&") work too.
 */
export function modDigit(event: KeyboardEvent): number | undefined {
  const mod = isMac() ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!mod || event.altKey || event.shiftKey) return undefined;
  const match = /^Digit(\d)$/.exec(event.code) ?? /^(\d)$/.exec(event.key);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** True for Ctrl+`letter` (Cmd+`letter` on macOS) without Alt or Shift, on any layout. */
export function isModKey(event: KeyboardEvent, letter: string): boolean {
  const mod = isMac() ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  if (!mod || event.altKey || event.shiftKey) return false;
  return event.key.toLowerCase() === letter || event.code === `Key${letter.toUpperCase()}`;
}
