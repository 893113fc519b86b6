/** Formats that read the same in every language the UI speaks (plain module: no runes). */

/** `HH:MM` (24-hour, local time) of Unix ms `ms`. */
export function formatClock(ms: number): string {
  const at = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** US dollars as the spend views show them: two decimals, four for less than a cent. */
export function formatUsd(n: number): string {
  return `$${n.toFixed(n > 0 && n < 0.01 ? 4 : 2)}`;
}
