import type { DetectedServer, ServerKind } from './ipc';

/** What people call each kind of local server. */
export const SERVER_NAMES: Record<ServerKind, string> = {
  lmstudio: 'LM Studio',
  ollama: 'Ollama',
  vllm: 'vLLM',
  llamacpp: 'llama.cpp',
  litellm: 'LiteLLM',
  jan: 'Jan',
  'openai-compatible': 'OpenAI-compatible',
};

export function serverName(server: Pick<DetectedServer, 'kind'>): string {
  return SERVER_NAMES[server.kind];
}
