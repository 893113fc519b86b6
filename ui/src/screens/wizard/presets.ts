/** The hosted providers the wizard offers, and how detected servers become provider ids. */
import type { DetectedServer } from '../../lib/ipc';

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
  model: { id: string; name: string; contextWindow: number };
  /** Where people get a key. */
  keyHint: string;
  note?: string;
}

export const HOSTED_PRESETS: readonly HostedPreset[] = [
  {
    id: 'anthropic',
    label: 'Anthropic',
    blurb: 'Claude models',
    provider: 'anthropic',
    baseUrl: 'https://api.anthropic.com/v1',
    api: 'anthropic-messages',
    model: { id: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5', contextWindow: 200000 },
    keyHint: 'Create a key at console.anthropic.com → API keys.',
  },
  {
    id: 'openai',
    label: 'OpenAI',
    blurb: 'GPT models',
    provider: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    api: 'openai-completions',
    model: { id: 'gpt-5', name: 'GPT-5', contextWindow: 400000 },
    keyHint: 'Create a key at platform.openai.com → API keys.',
  },
  {
    id: 'openrouter',
    label: 'OpenRouter',
    blurb: 'Many models, one key',
    provider: 'openrouter',
    baseUrl: 'https://openrouter.ai/api/v1',
    api: 'openai-completions',
    model: { id: 'minimax/minimax-m2.1', name: 'MiniMax M2.1', contextWindow: 196608 },
    keyHint: 'Create a key at openrouter.ai → Keys.',
    note:
      'OpenRouter can pin a model to regional endpoints (for example US-hosted), keeping your ' +
      'traffic in the jurisdiction you choose.',
  },
  {
    id: 'custom',
    label: 'Custom',
    blurb: 'Any OpenAI-compatible API',
    provider: 'custom',
    baseUrl: '',
    api: 'openai-completions',
    model: { id: '', name: '', contextWindow: 128000 },
    keyHint: 'Use the key your provider gave you.',
  },
];

export function presetById(id: PresetId): HostedPreset {
  const found = HOSTED_PRESETS.find((p) => p.id === id);
  if (!found) throw new Error(`no preset ${id}`);
  return found;
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
