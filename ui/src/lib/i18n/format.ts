/** Formats that read the same in every language the UI speaks (plain module: no runes). */

/** `HH:MM` (24-hour, local time) of Unix ms `ms`. */
export function formatClock(ms: number): string {
  const at = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}`;
}
