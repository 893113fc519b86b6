/**
 * IPC types of LM Studio's download (Rust: `core::discovery::{candidate, download}` and the
 * shell's `commands::lmstudio`), camelCase as serialized.
 */

/** What to ask LM Studio to download: a catalog id or a Hugging Face URL (+ quantization). */
export interface DownloadRequest {
  model: string;
  quantization: string | null;
}

/** The build the wizard offers: the seed's advice applied to this machine's memory. */
export interface DownloadCandidate {
  name: string;
  request: DownloadRequest;
  sizeBytes: number;
  /** `137.2 GB`. */
  sizeLabel: string;
  params: string;
  /** MiniMax M2.1, the seed's recommendation. */
  recommended: boolean;
  /** This machine's memory; null when it could not be read. */
  memoryBytes: number | null;
  /** Memory the smallest MiniMax M2.1 build without a warning needs. */
  recommendedNeedsBytes: number;
  /** The seed's warnings for this build (aggressive quantization, small checkpoint). */
  warnings: string[];
}

export type DownloadStatus =
  'downloading' | 'paused' | 'completed' | 'failed' | 'already_downloaded';

/** One look at a download job. */
export interface DownloadProgress {
  jobId: string | null;
  status: DownloadStatus;
  downloadedBytes: number | null;
  totalBytes: number | null;
  bytesPerSecond: number | null;
  secondsLeft: number | null;
  /** 0–100. */
  percent: number | null;
}

/** How a followed download ended (a failed one is an `error` event). */
export type DownloadOutcome =
  | ({ outcome: 'completed' } & DownloadProgress)
  | { outcome: 'alreadyDownloaded' }
  | { outcome: 'cancelled'; jobId: string | null; note: string };

/** What `lmstudio_download` sends on its channel. */
export type DownloadEvent =
  | ({ type: 'progress' } & DownloadProgress)
  | ({ type: 'done' } & DownloadOutcome)
  | { type: 'error'; kind: string; message: string };
