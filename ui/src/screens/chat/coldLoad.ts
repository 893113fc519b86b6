/**
 * "Loading the model in LM Studio…" under an answer that waits for its first byte while a local
 * model that was not loaded (at the last detection) is loaded just in time by the request itself.
 */
import type { ChatModel } from '../../lib/ipc';
import type { ViewMessage } from './chat.svelte';

type Shown = Pick<ViewMessage, 'role' | 'streaming' | 'content' | 'reasoning' | 'model'>;

/**
 * Whether `message` waits for its model to load: streaming with nothing yet, its model local
 * and not loaded at the last detection, and not among `messages` that already answered (the
 * detection may lag behind a load the last answer did).
 */
export function waitsForLoad(message: Shown, models: ChatModel[], messages: Shown[]): boolean {
  const model = message.model;
  if (message.role !== 'assistant' || !message.streaming || model === null) return false;
  if (message.content || message.reasoning) return false;
  if (messages.some((m) => m !== message && m.model === model && m.content)) return false;
  const found = models.find((m) => m.ref === model || m.id === model);
  return found !== undefined && found.local && found.loaded === false;
}
