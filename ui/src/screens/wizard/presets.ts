/**
 * The hosted providers the wizard offers, and how detected servers become provider ids.
 *
 * A preset's provider id, name, blurb, base URL, API and key variable come from core's catalog
 * ({@link knownProvider}); this file only adds what people see: a first model to try, where to
 * get a key, and a note.
 */
import { t, type MessageId } from '../../lib/i18n/i18n.svelte';
import type { DetectedServer } from '../../lib/ipc';
import { knownProvider } from '../../lib/catalog';

export type PresetId = 'anthropic' | 'openai' | 'openrouter' | 'custom';

export interface HostedPreset {
  id: PresetId;
  label: string;
  /** One line under the name. */
  blurb: string;
  /** The provider id written to the config (editable for custom). */
  provider: string;
  baseUrl: string;
  api: string;
  /** The variable conventionally holding its key, if any. */
  envVar: string | null;
  model: { id: string; name: string; contextWindow: number };
  /** Where people get a key. */
  keyHint: string;
  note?: string;
}

/** What the UI adds to a catalog entry: presentation only (words as message keys). */
interface Presentation {
  model: HostedPreset['model'];
  keyHint: MessageId;
  note?: MessageId;
}

const HOSTED: Record<Exclude<PresetId, 'custom'>, Presentation> = {
  anthropic: {
    model: { id: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5', contextWindow: 200000 },
    keyHint: 'preset.keyAnthropic',
  },
  openai: {
    model: { id: 'gpt-5', name: 'GPT-5', contextWindow: 400000 },
    keyHint: 'preset.keyOpenai',
  },
  openrouter: {
    model: { id: 'minimax/minimax-m2.1', name: 'MiniMax M2.1', contextWindow: 196608 },
    keyHint: 'preset.keyOpenrouter',
    note: 'preset.noteOpenrouter',
  },
};

/** The Custom preset, in the current language. */
function custom(): HostedPreset {
  return {
    id: 'custom',
    label: t('preset.custom'),
    blurb: t('preset.customBlurb'),
    provider: 'custom',
    baseUrl: '',
    api: 'openai-completions',
    envVar: null,
    model: { id: '', name: '', contextWindow: 128000 },
    keyHint: t('preset.keyCustom'),
  };
}

function hosted(id: Exclude<PresetId, 'custom'>): HostedPreset | undefined {
  const known = knownProvider(id);
  if (!known) return undefined;
  const shown = HOSTED[id];
  return {
    id,
    label: known.name,
    blurb: known.description,
    provider: known.id,
    baseUrl: known.baseUrl,
    api: known.api,
    envVar: known.envVar,
    model: shown.model,
    keyHint: t(shown.keyHint),
    ...(shown.note === undefined ? {} : { note: t(shown.note) }),
  };
}

/** The presets, hosted ones from the catalog (those it has), then Custom. */
export function hostedPresets(): readonly HostedPreset[] {
  const ids = Object.keys(HOSTED) as Exclude<PresetId, 'custom'>[];
  return [...ids.map(hosted).filter((p) => p !== undefined), custom()];
}

/** The preset `id`; a hosted one missing from the catalog (it failed to load) falls back to Custom. */
export function presetById(id: PresetId): HostedPreset {
  return (id === 'custom' ? undefined : hosted(id)) ?? custom();
}

/** The provider id a detected server's profile gets (mirrors core's `profile::provider_id`). */
export function providerIdOf(server: Pick<DetectedServer, 'kind' | 'baseUrl'>): string {
  if (server.kind !== 'openai-compatible') return server.kind;
  const port = /:(\d+)(\/|$)/.exec(server.baseUrl.replace(/^[a-z]+:\/\//, ''))?.[1];
  return port ? `local-${port}` : 'local';
}

/** Provider ids are config keys: letters, digits and `-_.`, starting with a letter or digit. */
export function isProviderId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id);
}

/** Token counts as the UI shows them (decimal K, as LM Studio does). */
export { formatTokens } from '../../lib/i18n/i18n.svelte';
