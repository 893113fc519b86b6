/**
 * The model picker's search, grouping and keyboard movement, apart from the component so they
 * can be tested on their own.
 *
 * Grouping uses the router's place of each model (`local`: its server runs on this machine),
 * never its name. Search matches every word typed, in any order, against the label, the
 * `provider/model` ref, the display name and the quantization.
 */
import type { ChatModel } from '../../lib/ipc';

/** "On this machine" first, then "Hosted". */
export type GroupId = 'here' | 'hosted';

export interface PickerGroup {
  id: GroupId;
  models: ChatModel[];
}

/** The words of `query`, lower-cased (case-insensitive search in every script). */
function words(query: string): string[] {
  return query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
}

/** Whether `model` matches every word of `query` (an empty query matches everything). */
export function matches(model: ChatModel, query: string): boolean {
  const wanted = words(query);
  if (wanted.length === 0) return true;
  const haystack = [model.label, model.ref, model.name, model.quantization ?? '']
    .join(' ')
    .toLocaleLowerCase();
  return wanted.every((w) => haystack.includes(w));
}

/**
 * The models matching `query`, in two groups: on this machine, then hosted; each keeps the
 * order it came in (aliases first). Empty groups are left out.
 */
export function pickerGroups(models: readonly ChatModel[], query: string): PickerGroup[] {
  const found = models.filter((m) => matches(m, query));
  const groups: PickerGroup[] = [
    { id: 'here', models: found.filter((m) => m.local) },
    { id: 'hosted', models: found.filter((m) => !m.local) },
  ];
  return groups.filter((g) => g.models.length > 0);
}

/**
 * The id of the option `delta` steps from `active` in `ids` (wrapping around); the first (or,
 * going up, the last) when `active` is not among them; null when there are none.
 */
export function moveActive(
  ids: readonly string[],
  active: string | null,
  delta: number,
): string | null {
  if (ids.length === 0) return null;
  const at = active === null ? -1 : ids.indexOf(active);
  if (at < 0) return delta >= 0 ? ids[0]! : ids[ids.length - 1]!;
  const next = (((at + delta) % ids.length) + ids.length) % ids.length;
  return ids[next]!;
}

/** Seconds with two decimals (`0.42`), for times to first token. */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}
