/**
 * The chat window's state: the conversation list (and search), the open conversation's
 * messages (paged), the model picker, and the answer streaming now.
 *
 * Stream deltas go through a {@link FrameBatcher}, so the page updates once per frame however
 * fast tokens arrive. Terminal events (`done`, `error`) flush it first.
 */
import { defineContext } from '../../lib/context';
import * as ipc from '../../lib/ipc';
import {
  toIpcError,
  type ChatEvent,
  type ChatModel,
  type Conversation,
  type ConversationParameters,
  type ExportFormat,
  type IpcError,
  type SearchHit,
  type ChatStarted,
} from '../../lib/ipc';
import { FrameBatcher, type Schedule, type Unschedule } from './frameBatcher';
import { base64Of, imageRefusal, type PendingImage } from './attachments.svelte';
import { fromMessage, shown, NO_PARAMETERS, type ViewMessage } from './viewMessage';

export type ChatBackend = Pick<
  typeof ipc,
  | 'historyList'
  | 'historyLoad'
  | 'historySearch'
  | 'historyRename'
  | 'historyDelete'
  | 'chatModels'
  | 'chatSend'
  | 'chatSetPrivate'
  | 'chatRetryNext'
  | 'chatRegenerate'
  | 'historySelectVersion'
  | 'chatCancel'
  | 'discoveryLoadRouteModel'
  | 'historyExportFile'
  | 'historyImage'
>;

export {
  NO_PARAMETERS,
  needsLoading,
  parametersSet,
  versionOf,
  type ViewImage,
  type ViewMessage,
} from './viewMessage';

const PAGE = 50;

let localKeys = 0;

export class ChatStore {
  /** The message being written (kept while another screen is open). */
  draft = $state('');
  readonly #api: ChatBackend;
  readonly #batcher: FrameBatcher<ChatEvent>;
  #conversations = $state<Conversation[]>([]);
  #currentId = $state<number | null>(null);
  #messages = $state<ViewMessage[]>([]);
  #hasMore = $state(false);
  #models = $state<ChatModel[]>([]);
  /** An alias or `provider/model`; '' is the default route (the primary). */
  #model = $state<string>('');
  #primary = $state<string | null>(null);
  #query = $state('');
  #leftOnly = $state(false);
  #hits = $state<SearchHit[] | null>(null);
  #error = $state<IpcError | null>(null);
  #loaded = $state(false);
  #loadingModel = $state<string | null>(null);
  #streaming = $state<ViewMessage | null>(null);
  /** Saved images' `data:` URLs by hash, once read. A cache, not state: nothing renders from
   * it directly (the thread keeps what it shows). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #imageCache = new Map<string, string>();
  /** Private for the next new conversation (a saved one keeps its own flag). */
  #newPrivate = $state(false);
  #requestId: number | null = null;
  #stopAsked = false;
  /** The shown conversation's system prompt (for a new one: the default from Settings). */
  system = $state('');
  /** The shown conversation's parameters. */
  parameters = $state<ConversationParameters>({ ...NO_PARAMETERS });
  /** The default system prompt from Settings, for new conversations. */
  #defaultSystem = '';
  /** Where the last export went. */
  #exported = $state<string | null>(null);

  constructor(api: ChatBackend = ipc, schedule?: Schedule, unschedule?: Unschedule) {
    this.#api = api;
    this.#batcher = new FrameBatcher((events) => this.#applyDeltas(events), schedule, unschedule);
  }

  get conversations(): Conversation[] {
    return this.#conversations;
  }
  get currentId(): number | null {
    return this.#currentId;
  }
  get messages(): ViewMessage[] {
    return this.#messages;
  }
  get hasMore(): boolean {
    return this.#hasMore;
  }
  get models(): ChatModel[] {
    return this.#models;
  }
  get model(): string {
    return this.#model;
  }
  set model(id: string) {
    this.#model = id;
  }
  /** The picked model; for the default route, the model the primary names. */
  get selectedModel(): ChatModel | undefined {
    return this.#models.find((m) => m.id === (this.#model || this.#primary));
  }
  /** The configured primary route (an alias or a ref), if any. */
  get primary(): string | null {
    return this.#primary;
  }
  get query(): string {
    return this.#query;
  }
  get hits(): SearchHit[] | null {
    return this.#hits;
  }
  get error(): IpcError | null {
    return this.#error;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get busy(): boolean {
    return this.#streaming !== null;
  }
  /** Whether the conversation shown (or the next new one) is private. */
  get private(): boolean {
    if (this.#currentId === null) return this.#newPrivate;
    return this.#conversations.find((c) => c.id === this.#currentId)?.private ?? false;
  }

  /**
   * The default system prompt from Settings: new conversations start with it (a new one shown
   * now takes it unless its prompt was already changed).
   */
  setDefaultSystem(text: string): void {
    const previous = this.#defaultSystem;
    this.#defaultSystem = text;
    if (this.#currentId === null && this.system === previous) this.system = text;
  }

  /** The path of the last export, to show. */
  get exported(): string | null {
    return this.#exported;
  }

  dismissExported(): void {
    this.#exported = null;
  }

  /** Exports conversation `id` to a new file in Downloads (the CLI's exporter). */
  async exportConversation(id: number, format: ExportFormat): Promise<void> {
    try {
      this.#exported = (await this.#api.historyExportFile(id, format)).path;
    } catch (e) {
      this.#error = toIpcError(e);
    }
  }

  /** Makes the conversation shown private or not (for a new one: when it is first sent). */
  async setPrivate(value: boolean): Promise<void> {
    const id = this.#currentId;
    if (id === null) {
      this.#newPrivate = value;
      return;
    }
    try {
      await this.#api.chatSetPrivate(id, value);
      this.#conversations = this.#conversations.map((c) =>
        c.id === id ? { ...c, private: value } : c,
      );
    } catch (e) {
      this.#error = toIpcError(e);
    }
  }

  /**
   * Loads the list and the models; picks the primary (else the first) model. The history does
   * not depend on the config: when the models cannot be read, the conversations still load.
   */
  async init(): Promise<void> {
    try {
      const [conversations, listed] = await Promise.allSettled([
        this.#api.historyList(),
        this.#api.chatModels(),
      ]);
      if (conversations.status === 'fulfilled') this.#conversations = conversations.value;
      if (listed.status === 'rejected') throw listed.reason;
      if (conversations.status === 'rejected') throw conversations.reason;
      const models = listed.value;
      this.#models = models.models;
      this.#primary = models.primary;
      // The default route when there is a primary, else the first model.
      const keep = this.#model ? this.#models.some((m) => m.id === this.#model) : !!models.primary;
      if (!keep) {
        this.#model = models.primary ? '' : (models.models[0]?.id ?? '');
      }
      this.#error = null;
    } catch (e) {
      this.#error = toIpcError(e);
    } finally {
      this.#loaded = true;
    }
  }

  /** Reads the models again: their facts (loaded state, speed) change as the app runs. */
  async refreshModels(): Promise<void> {
    try {
      const models = await this.#api.chatModels();
      this.#models = models.models;
      this.#primary = models.primary;
    } catch (e) {
      this.#error = toIpcError(e);
    }
  }

  async refreshList(): Promise<void> {
    try {
      this.#conversations = await this.#api.historyList();
    } catch (e) {
      this.#error = toIpcError(e);
    }
  }

  /** Opens a conversation with its newest messages. */
  async open(id: number): Promise<void> {
    if (this.busy) return;
    try {
      const loaded = await this.#api.historyLoad(id, undefined, PAGE);
      this.#currentId = id;
      this.#messages = shown(loaded.messages);
      this.#hasMore = loaded.hasMore;
      this.system = loaded.conversation.systemPrompt ?? '';
      this.parameters = { ...NO_PARAMETERS, ...loaded.conversation.parameters };
    } catch (e) {
      this.#error = toIpcError(e);
    }
  }

  /** Loads the page of messages before the oldest shown. */
  async loadOlder(): Promise<void> {
    const first = this.#messages[0]?.id;
    if (this.#currentId === null || first == null) return;
    try {
      const page = await this.#api.historyLoad(this.#currentId, first, PAGE);
      this.#messages = [...shown(page.messages), ...this.#messages];
      this.#hasMore = page.hasMore;
    } catch (e) {
      this.#error = toIpcError(e);
    }
  }

  newChat(): void {
    if (this.busy) return;
    this.#newPrivate = false;
    this.#currentId = null;
    this.#messages = [];
    this.#hasMore = false;
    this.system = this.#defaultSystem;
    this.parameters = { ...NO_PARAMETERS };
  }

  async rename(id: number, title: string): Promise<void> {
    if (!title.trim()) return;
    try {
      const renamed = await this.#api.historyRename(id, title.trim());
      this.#conversations = this.#conversations.map((c) => (c.id === id ? renamed : c));
    } catch (e) {
      this.#error = toIpcError(e);
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await this.#api.historyDelete(id);
      this.#conversations = this.#conversations.filter((c) => c.id !== id);
      if (this.#currentId === id) this.newChat();
    } catch (e) {
      this.#error = toIpcError(e);
    }
  }

  /** Only answers that left this machine (the privacy trail's filter). */
  get leftOnly(): boolean {
    return this.#leftOnly;
  }
  set leftOnly(on: boolean) {
    this.#leftOnly = on;
    void this.search(this.#query);
  }

  /** Searches messages; an empty query (without the filter) shows the list again. */
  async search(query: string): Promise<void> {
    this.#query = query;
    const leftOnly = this.#leftOnly;
    if (!query.trim() && !leftOnly) {
      this.#hits = null;
      return;
    }
    try {
      const hits = await this.#api.historySearch(query, undefined, leftOnly);
      if (this.#query === query && this.#leftOnly === leftOnly) this.#hits = hits;
    } catch (e) {
      this.#error = toIpcError(e);
    }
  }

  dismissError(): void {
    this.#error = null;
  }

  /** The model being loaded for "Load the model", if any. */
  get loadingModel(): string | null {
    return this.#loadingModel;
  }

  /** Asks the local server to load the failed answer's model, then asks again. */
  async loadModelAndRetry(failed: ViewMessage): Promise<boolean> {
    const model = failed.model;
    if (model === null || this.busy || this.#loadingModel !== null) return false;
    this.#loadingModel = model;
    try {
      await this.#api.discoveryLoadRouteModel(model);
    } catch (e) {
      this.#error = toIpcError(e);
      return false;
    } finally {
      this.#loadingModel = null;
    }
    return this.retry(failed);
  }

  /** A saved image's `data:` URL, by its hash (read once, then kept). */
  async imageSrc(sha256: string): Promise<string> {
    const known = this.#imageCache.get(sha256);
    if (known) return known;
    const src = await this.#api.historyImage(sha256);
    this.#imageCache.set(sha256, src);
    return src;
  }

  /** Sends `text` (and `images`) to the picked model (or the default route); the answer
   * streams in. */
  async send(text: string, images: PendingImage[] = []): Promise<boolean> {
    const trimmed = text.trim();
    if ((!trimmed && images.length === 0) || this.busy || (!this.#model && !this.#primary)) {
      return false;
    }
    const answer = this.#newAnswer(this.selectedModel?.ref ?? (this.#model || null));
    const user: ViewMessage = { ...answer, key: `local${++localKeys}`, role: 'user' };
    user.images = images.map((i) => ({ key: i.key, src: i.dataUrl, sha256: null, name: i.name }));
    user.content = trimmed;
    user.model = null;
    user.status = 'complete';
    user.streaming = false;
    this.#messages = [...this.#messages, user, answer];
    return this.#stream((onEvent) =>
      this.#api.chatSend(
        {
          conversationId: this.#currentId,
          model: this.#model || null,
          text: trimmed,
          private: this.#currentId === null ? this.#newPrivate : this.private,
          system: this.system,
          parameters: { ...this.parameters },
          ...(images.length > 0 ? { images: images.map((i) => base64Of(i.dataUrl)) } : {}),
        },
        onEvent,
      ),
    );
  }

  /** "Retry on next route": asks the route's next model, as a new version of the answer. */
  async retryNext(failed: ViewMessage): Promise<boolean> {
    const conversation = this.#currentId;
    const id = failed.id;
    if (this.busy || conversation === null || id === null) return false;
    return this.#askAgain(failed, null, (onEvent) =>
      this.#api.chatRetryNext(conversation, id, onEvent),
    );
  }

  /**
   * Shows the version `step` places before (-1) or after (1) the one shown; the choice is saved,
   * so the conversation reopens with it and the next question is asked with it.
   */
  async showVersion(answer: ViewMessage, step: -1 | 1): Promise<void> {
    if (answer.id === null) return;
    const target = answer.versionIds[answer.versionIds.indexOf(answer.id) + step];
    if (target !== undefined) await this.#show(answer, target);
  }

  /** Opens a search hit's conversation, with the hit's version of its answer shown. */
  async openHit(hit: SearchHit): Promise<void> {
    await this.open(hit.conversationId);
    if (this.#currentId !== hit.conversationId) return;
    const slot = this.#messages.find(
      (m) => m.id !== hit.messageId && m.versionIds.includes(hit.messageId),
    );
    if (slot) await this.#show(slot, hit.messageId);
  }

  async #show(answer: ViewMessage, version: number): Promise<void> {
    if (this.busy) return;
    try {
      const shown = await this.#api.historySelectVersion(version);
      const at = this.#messages.indexOf(answer);
      // The same key: the same element, so the focus stays on the button pressed.
      if (at >= 0) this.#messages[at] = { ...fromMessage(shown), key: answer.key };
    } catch (e) {
      this.#error = toIpcError(e);
    }
  }

  /**
   * Streams a new version of `previous` into its place with `start`. When it cannot start (no
   * next route, say), nothing was saved: the answer shows what it showed, the reason above.
   */
  async #askAgain(
    previous: ViewMessage,
    model: string | null,
    start: (onEvent: (event: ChatEvent) => void) => Promise<ChatStarted>,
  ): Promise<boolean> {
    const at = this.#messages.indexOf(previous);
    if (at < 0) return false;
    const version = this.#newAnswer(model);
    version.key = previous.key;
    const ids = previous.versionIds;
    version.versionIds = ids.length > 0 || previous.id === null ? [...ids] : [previous.id];
    this.#messages[at] = version;
    return this.#stream(start, at, previous);
  }

  #newAnswer(model: string | null): ViewMessage {
    return {
      images: [],
      key: `local${++localKeys}`,
      id: null,
      role: 'assistant',
      content: '',
      reasoning: '',
      model,
      status: 'unfinished',
      error: null,
      errorKind: null,
      usage: null,
      cost: null,
      timing: null,
      streaming: true,
      route: [],
      retryNext: false,
      trail: null,
      warning: null,
      versionIds: [],
    };
  }

  /**
   * Streams into the answer at `at` (the last message, a new answer, unless given) with `start`;
   * when it cannot start, `restore` (if given) takes its place again.
   */
  async #stream(
    start: (onEvent: (event: ChatEvent) => void) => Promise<ChatStarted>,
    at = this.#messages.length - 1,
    restore?: ViewMessage,
  ): Promise<boolean> {
    // The proxy in the array, so mutations through it are seen.
    this.#streaming = this.#messages[at] ?? null;
    this.#requestId = null;
    this.#stopAsked = false;
    try {
      const started = await start((event) => this.#onEvent(event));
      this.#requestId = started.requestId;
      if (this.#currentId !== started.conversationId) {
        this.#currentId = started.conversationId;
      }
      // A new private conversation keeps its flag in the history from now on.
      await this.refreshList();
      this.#newPrivate = false;
      if (this.#stopAsked && this.#streaming) void this.stop();
      return true;
    } catch (e) {
      const err = toIpcError(e);
      if (restore && this.#messages[at] === this.#streaming) {
        this.#messages[at] = restore;
        this.#streaming = null;
        this.#requestId = null;
        this.#error = err;
        return false;
      }
      // A refused image is said by the window, naming the model, in its language.
      const refused = err.kind === 'no_image_input';
      const error = refused ? imageRefusal(err.message, this.#model) : err.message;
      this.#end({ status: 'failed', error, errorWritten: refused, errorKind: err.kind });
      return false;
    }
  }

  /** Stops the answer streaming now; its text so far stays, marked stopped. */
  async stop(): Promise<void> {
    if (!this.#streaming) return;
    this.#stopAsked = true;
    if (this.#requestId === null) return; // sent when chat_send answers
    try {
      await this.#api.chatCancel(this.#requestId);
    } catch (e) {
      this.#error = toIpcError(e);
    }
  }

  /**
   * "Retry": asks the question of `answer` again, of the picked model, as a new version of the
   * answer. An answer that was never saved sends its question again instead.
   */
  async retry(answer: ViewMessage): Promise<boolean> {
    const conversation = this.#currentId;
    const id = answer.id;
    if (conversation === null || id === null) {
      const index = this.#messages.indexOf(answer);
      const before = this.#messages.slice(0, index < 0 ? this.#messages.length : index);
      const user = before.reverse().find((m) => m.role === 'user');
      if (!user) return false;
      // The question goes again with its images.
      let images: PendingImage[];
      try {
        images = await Promise.all(
          user.images.map(async (i) => {
            const dataUrl = i.src ?? (i.sha256 ? await this.imageSrc(i.sha256) : '');
            const mediaType = dataUrl.slice(5, dataUrl.indexOf(';'));
            return { key: `local${++localKeys}`, name: i.name, mediaType, size: 0, dataUrl };
          }),
        );
      } catch (e) {
        this.#error = toIpcError(e);
        return false;
      }
      return this.send(user.content, images);
    }
    if (this.busy || (!this.#model && !this.#primary)) return false;
    const model = this.#model || null;
    // Core asks the saved question again, with its saved images.
    return this.#askAgain(answer, this.selectedModel?.ref ?? model, (onEvent) =>
      this.#api.chatRegenerate(conversation, id, model, onEvent),
    );
  }

  #onEvent(event: ChatEvent): void {
    const answer = this.#streaming;
    if (!answer) return;
    switch (event.type) {
      case 'text':
      case 'reasoning':
        this.#batcher.push(event);
        return;
      case 'started':
        answer.model = event.model;
        answer.id = event.messageId;
        if (event.messageId !== null && !answer.versionIds.includes(event.messageId)) {
          answer.versionIds = [...answer.versionIds, event.messageId];
        }
        return;
      case 'route':
        answer.route = [
          ...answer.route,
          {
            model: event.model,
            outcome: event.outcome,
            reason: event.reason ?? null,
            status: event.status ?? null,
          },
        ];
        if (event.outcome === 'ok') answer.model = event.model;
        return;
      case 'done':
        this.#batcher.flush();
        this.#end({
          status: event.stop === 'cancelled' ? 'stopped' : 'complete',
          model: event.model,
          usage:
            event.usage === 'unknown'
              ? null
              : { input: event.usage.input, output: event.usage.output },
          cost: event.cost === 'unknown' ? null : event.cost,
          timing: event.timing,
          trail: event.trail,
        });
        return;
      case 'warning':
        answer.warning = event.budget;
        return;
      case 'error':
        this.#batcher.flush();
        this.#end({
          status: 'failed',
          error: event.message,
          errorKind: event.reason,
          retryNext: event.retryNext !== null,
          trail: event.trail.destinations.length > 0 ? event.trail : null,
        });
        return;
    }
  }

  #applyDeltas(events: ChatEvent[]): void {
    const answer = this.#streaming;
    if (!answer) return;
    let text = '';
    let reasoning = '';
    for (const e of events) {
      if (e.type === 'text') text += e.delta;
      else if (e.type === 'reasoning') reasoning += e.delta;
    }
    if (text) answer.content += text;
    if (reasoning) answer.reasoning += reasoning;
  }

  #end(end: Pick<ViewMessage, 'status'> & Partial<ViewMessage>): void {
    const answer = this.#streaming;
    if (!answer) return;
    Object.assign(answer, end, { streaming: false });
    this.#streaming = null;
    this.#requestId = null;
    void this.refreshList();
  }

  dispose(): void {
    this.#batcher.dispose();
  }
}

export const chatContext = defineContext<ChatStore>('ChatStore');
