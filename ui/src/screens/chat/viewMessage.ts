/**
 * What the chat thread shows of a message (`ViewMessage`), made from a saved one: its route,
 * trail, versions and images as the window reads them; and the small facts about a
 * conversation's parameters the picker shows. Plain functions, no state: the store
 * (`chat.svelte.ts`) keeps the messages.
 */
import type {
  BudgetWarning,
  ChatTiming,
  ChatTrail,
  ConversationParameters,
  Destination,
  ErrorKind,
  Message,
  MessageRole,
  MessageStatus,
  RouteAttemptReason,
} from '../../lib/ipc';
import type { ViewAttempt } from './route';

/** No parameter set: every model's default. */
export const NO_PARAMETERS: ConversationParameters = {
  temperature: null,
  topP: null,
  maxTokens: null,
};

/** How many parameters are set (for the Parameters button). */
export function parametersSet(p: ConversationParameters): number {
  return [p.temperature, p.topP, p.maxTokens].filter((v) => v !== null).length;
}

/**
 * Whether "Load the model" can fix this failed answer: its local server (LM Studio with
 * just-in-time loading off) has the model but did not load it (`model_not_loaded`).
 */
export function needsLoading(m: Pick<ViewMessage, 'status' | 'errorKind' | 'model'>): boolean {
  return m.status === 'failed' && m.model !== null && m.errorKind === 'model_not_loaded';
}

/**
 * A saved failed answer's error class: the reason of its last failed attempt (the history keeps
 * the route, not the error event).
 */
function savedErrorKind(m: Message): RouteAttemptReason | null {
  if (m.status !== 'failed') return null;
  const failed = m.route.filter((a) => a.outcome === 'failed');
  return failed[failed.length - 1]?.reason ?? null;
}

/** An image a user message shows: its `data:` URL once known, or its saved file's hash. */
export interface ViewImage {
  key: string;
  /** Shown as it is; null until loaded by hash. */
  src: string | null;
  sha256: string | null;
  name: string;
}

/** A message as the view shows it (saved, or streaming now). */
export interface ViewMessage {
  /** A user message's images, in order. */
  images: ViewImage[];
  /** Stable key for `{#each}`. */
  key: string;
  id: number | null;
  role: MessageRole;
  content: string;
  reasoning: string;
  model: string | null;
  status: MessageStatus;
  error: string | null;
  /** The window wrote `error` itself, in its own language (otherwise it is core's English). */
  errorWritten?: boolean;
  /** Why it failed (to pick an action): the `error` event's reason, the command's error kind,
   * or for a saved answer its last failed attempt's reason. */
  errorKind: ErrorKind | RouteAttemptReason | null;
  usage: { input: number; output: number } | null;
  cost: number | null;
  /** Time to first token and tokens per second, when measured. */
  timing: ChatTiming | null;
  streaming: boolean;
  /** The route's attempts: what failed before the model that answered. */
  route: ViewAttempt[];
  /** It failed after its first token: "Retry on next route" applies. */
  retryNext: boolean;
  /** Where the text went (answers); null before it ends or for a user message. */
  trail: ChatTrail | null;
  /** A budget warning that came with the answer. */
  warning: BudgetWarning | null;
  /** For an answer: the ids of its saved versions, oldest first (this one among them once it
   * is saved). */
  versionIds: number[];
}

/**
 * Which version of its answer `m` is (from 1) and how many there are. A version not saved yet
 * (streaming, before its id) is the newest.
 */
export function versionOf(m: Pick<ViewMessage, 'id' | 'versionIds'>): {
  index: number;
  count: number;
} {
  const at = m.id === null ? -1 : m.versionIds.indexOf(m.id);
  if (at < 0) return { index: m.versionIds.length + 1, count: m.versionIds.length + 1 };
  return { index: at + 1, count: m.versionIds.length };
}

/** The trail of a saved answer, from its attempts' destinations. */
function savedTrail(m: Message): ChatTrail | null {
  if (m.role !== 'assistant') return null;
  const destinations: Destination[] = [];
  for (const a of m.route) {
    const d = a.destination;
    if (d && !destinations.some((x) => x.host === d.host && x.place === d.place)) {
      destinations.push(d);
    }
  }
  if (destinations.length === 0) return null;
  return { leftMachine: destinations.some((d) => d.leftMachine), destinations };
}

export function fromMessage(m: Message): ViewMessage {
  return {
    images: (m.attachments ?? []).map((a) => ({
      key: `${m.id}-${a.sha256}`,
      src: null,
      sha256: a.sha256,
      name: a.fileName,
    })),
    key: `m${m.id}`,
    id: m.id,
    role: m.role,
    content: m.content,
    reasoning: m.reasoning,
    model: m.model,
    status: m.status,
    error: m.error,
    errorKind: savedErrorKind(m),
    usage: m.usage ? { input: m.usage.input, output: m.usage.output } : null,
    cost: m.cost,
    timing: m.timing,
    streaming: false,
    route: m.route.map((a) => ({
      model: a.model,
      outcome: a.outcome,
      reason: a.reason ?? null,
      status: a.status ?? null,
    })),
    retryNext: m.role === 'assistant' && m.status === 'failed' && m.content !== '',
    trail: savedTrail(m),
    warning: null,
    versionIds: m.versionIds,
  };
}

/** The messages the thread shows: the system prompt is in Parameters, not in the thread. */
export function shown(messages: Message[]): ViewMessage[] {
  return messages.filter((m) => m.role !== 'system').map(fromMessage);
}
