import { t } from './i18n/i18n.svelte';
import { knownProvider } from './catalog';
import type { DetectedServer, ServerKind } from './ipc';

/** What people call a kind of local server: the catalog's name (a user-added URL is not in it). */
export function serverKindName(kind: ServerKind): string {
  if (kind === 'openai-compatible') return t('server.openaiCompatible');
  return knownProvider(kind)?.name ?? kind;
}

export function serverName(server: Pick<DetectedServer, 'kind'>): string {
  return serverKindName(server.kind);
}

/** The kinds a scan looks for, in scan order (core's `ServerKind::KNOWN`). */
const SCANNED: readonly ServerKind[] = ['lmstudio', 'ollama', 'vllm', 'llamacpp', 'litellm', 'jan'];

/** "LM Studio :1234, Ollama :11434, …": where a scan looks, from the catalog's ports. */
export function scannedPorts(): string {
  const parts: string[] = [];
  for (const kind of SCANNED) {
    const known = knownProvider(kind);
    if (known?.port) parts.push(`${known.name} :${known.port}`);
  }
  return parts.join(', ');
}
