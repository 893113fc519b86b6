/**
 * The wizard's model download through LM Studio: the offer (which build, from core), the
 * running download (progress from the core's polling, forwarded on a channel), Cancel, and the
 * end. Core owns the choice and the client; this only shows them.
 *
 * Cancel stops following the job: LM Studio documents no cancel endpoint, so the download may go
 * on in LM Studio, and "Download again" picks it up (the message says so).
 */
import { t } from '../../lib/i18n/i18n.svelte';
import * as ipc from '../../lib/ipc';
import {
  toIpcError,
  type DetectedServer,
  type DownloadCandidate,
  type DownloadEvent,
  type DownloadProgress,
} from '../../lib/ipc';

/** The IPC functions a download uses (tests pass fakes). */
export type DownloadBackend = Pick<
  typeof ipc,
  'lmstudioDownloadOffer' | 'lmstudioDownload' | 'lmstudioDownloadCancel'
>;

export type DownloadPhase =
  'idle' | 'starting' | 'downloading' | 'cancelled' | 'completed' | 'already' | 'error';

/** `137.2 GB`, `512 MB`: decimal units, as download sizes are written (core's `bytes_label`). */
export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

/** `45 s`, `12 min`, `2 h 5 min` (in the UI's language). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('lmstudio.secs', { n: s });
  const minutes = Math.round(s / 60);
  if (minutes < 60) return t('lmstudio.mins', { m: minutes });
  return t('lmstudio.hoursMins', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

export class ModelDownload {
  readonly #api: DownloadBackend;
  /** Called when a download ended with the model on disk (the wizard re-scans and selects it). */
  readonly #onDone: (server: DetectedServer) => Promise<void>;

  offer = $state<DownloadCandidate | null>(null);
  phase = $state<DownloadPhase>('idle');
  progress = $state<DownloadProgress | null>(null);
  error = $state<string | null>(null);
  #requestId: number | null = null;
  #server: DetectedServer | null = null;

  constructor(api: DownloadBackend, onDone: (server: DetectedServer) => Promise<void>) {
    this.#api = api;
    this.#onDone = onDone;
  }

  get busy(): boolean {
    return this.phase === 'starting' || this.phase === 'downloading';
  }

  /** Asks core what to offer for `server` (LM Studio, running); keeps a running download. */
  async check(server: DetectedServer | undefined): Promise<void> {
    if (this.busy) return;
    if (!server || server.kind !== 'lmstudio' || server.status !== 'running') {
      if (this.phase === 'idle') this.offer = null;
      return;
    }
    try {
      const offer = await this.#api.lmstudioDownloadOffer(server);
      // A finished download keeps its message (and its offer) until the next start.
      if (this.phase === 'idle' || this.phase === 'error' || this.phase === 'cancelled') {
        this.offer = offer;
        if (offer === null) this.phase = 'idle';
      }
    } catch {
      // The offer is a convenience: without it the wizard works as before.
      if (this.phase === 'idle') this.offer = null;
    }
  }

  /** Starts (or picks up) the download of the offered build. */
  async start(server: DetectedServer): Promise<void> {
    const offer = this.offer;
    if (!offer || this.busy) return;
    this.#server = server;
    this.phase = 'starting';
    this.progress = null;
    this.error = null;
    try {
      this.#requestId = await this.#api.lmstudioDownload(server.baseUrl, offer.request, (event) =>
        this.#event(event),
      );
    } catch (e) {
      this.phase = 'error';
      this.error = toIpcError(e).message;
    }
  }

  /** Stops following the download (it may go on in LM Studio). */
  async cancel(): Promise<void> {
    if (this.#requestId === null || !this.busy) return;
    try {
      await this.#api.lmstudioDownloadCancel(this.#requestId);
    } catch (e) {
      this.phase = 'error';
      this.error = toIpcError(e).message;
    }
  }

  #event(event: DownloadEvent): void {
    switch (event.type) {
      case 'progress':
        if (this.phase === 'starting') this.phase = 'downloading';
        this.progress = event;
        return;
      case 'error':
        this.phase = 'error';
        this.error = event.message;
        this.#requestId = null;
        return;
      case 'done':
        this.#requestId = null;
        if (event.outcome === 'cancelled') {
          this.phase = 'cancelled';
          return;
        }
        this.phase = event.outcome === 'completed' ? 'completed' : 'already';
        if (event.outcome === 'completed') this.progress = event;
        if (this.#server) void this.#onDone(this.#server);
        return;
    }
  }
}
