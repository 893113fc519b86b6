/**
 * The hosted providers the wizard offers, and how detected servers become provider ids.
 *
 * A preset's provider id, name, blurb, base URL, API and key variable come from core's catalog
 * ({@link knownProvider}); this file only adds what people see: a first model to try, where to
 * get a key, and a note.
 */
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

/** What the UI adds to a catalog entry: presentation only. */
interface Presentation {
  model: HostedPreset['model'];
  keyHint: string;
  note?: string;
}

const HOSTED: Record<Exclude<PresetId, 'custom'>, Presentation> = {
  anthropic: {
    model: { id: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5', contextWindow: 200000 },
    keyHint: 'Create a key at console.anthropic.com → API keys.',
  },
  openai: {
    model: { id: 'gpt-5', name: 'GPT-5', contextWindow: 400000 },
    keyHint: 'Create a key at platform.openai.com → API keys.',
  },
  openrouter: {
    model: { id: 'minimax/minimax-m2.1', name: 'MiniMax M2.1', contextWindow: 196608 },
    keyHint: 'Create a key at openrouter.ai → Keys.',
    note:
      'OpenRouter can pin a model to regional endpoints (for example US-hosted), keeping your ' +
      'traffic in the jurisdiction you choose.',
  },
};

const CUSTOM: HostedPreset = {
  id: 'custom',
  label: 'Custom',
  blurb: 'Any OpenAI-compatible API',
  provider: 'custom',
  baseUrl: '',
  api: 'openai-completions',
  envVar: null,
  model: { id: '', name: '', contextWindow: 128000 },
  keyHint: 'Use the key your provider gave you.',
};

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
    keyHint: shown.keyHint,
    ...(shown.note === undefined ? {} : { note: shown.note }),
  };
}

/** The presets, hosted ones from the catalog (those it has), then Custom. */
export function hostedPresets(): readonly HostedPreset[] {
  const ids = Object.keys(HOSTED) as Exclude<PresetId, 'custom'>[];
  return [...ids.map(hosted).filter((p) => p !== undefined), CUSTOM];
}

/** The preset `id`; a hosted one missing from the catalog (it failed to load) falls back to Custom. */
export function presetById(id: PresetId): HostedPreset {
  return (id === 'custom' ? undefined : hosted(id)) ?? CUSTOM;
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

/** `32768` → `32K`, `131072` → `128K`, `196608` → `192K`, `1000000` → `1M`. */
export function formatTokens(tokens: number | null | undefined): string {
  if (tokens === null || tokens === undefined) return 'unknown';
  if (tokens >= 1_000_000 && tokens % 1_000_000 === 0) return `${tokens / 1_000_000}M`;
  if (tokens >= 1024 && tokens % 1024 === 0) return `${tokens / 1024}K`;
  if (tokens >= 1000) return `${Math.round(tokens / 1000)}K`;
  return String(tokens);
}
