import { describe, expect, it, vi } from 'vitest';
import type { DownloadCandidate, DownloadEvent, DownloadProgress, ScanReport } from '../../lib/ipc';
import { sampleModel, sampleReport } from '../../test/fixtures';
import { formatBytes, formatDuration } from './download.svelte';
import { Wizard, type WizardBackend } from './wizard.svelte';

const OFFER: DownloadCandidate = {
  name: 'gpt-oss 20B',
  request: { model: 'openai/gpt-oss-20b', quantization: null },
  sizeBytes: 12_110_000_000,
  sizeLabel: '12.1 GB',
  params: '21B',
  recommended: false,
  memoryBytes: 16_000_000_000,
  recommendedNeedsBytes: 171_525_000_000,
  warnings: [],
};

/** LM Studio with only an embedding model; after `downloaded()`, with gpt-oss too. */
function backend() {
  let onDisk = false;
  let send: ((e: DownloadEvent) => void) | undefined;
  const report = (): ScanReport =>
    sampleReport([
      sampleModel({ id: 'nomic-embed', name: 'nomic', type: 'embeddings', warnings: [] }),
      ...(onDisk
        ? [sampleModel({ id: 'openai/gpt-oss-20b', name: 'gpt-oss-20b', loaded: false })]
        : []),
    ]);
  const api = {
    discoveryScan: vi.fn(() => Promise.resolve(report())),
    lmstudioDownloadOffer: vi.fn(() => Promise.resolve(onDisk ? null : OFFER)),
    lmstudioDownload: vi.fn((_url: string, _req: unknown, onEvent: (e: DownloadEvent) => void) => {
      send = onEvent;
      return Promise.resolve(7);
    }),
    lmstudioDownloadCancel: vi.fn(() => {
      send?.({ type: 'done', outcome: 'cancelled', jobId: 'job_1', note: 'n' });
      return Promise.resolve(true);
    }),
  } as unknown as WizardBackend;
  return {
    api,
    emit: (e: DownloadEvent) => send?.(e),
    downloaded: () => {
      onDisk = true;
    },
  };
}

const look = (percent: number, left: number): DownloadProgress => ({
  jobId: 'job_1',
  status: 'downloading',
  downloadedBytes: percent * 1_000_000,
  totalBytes: 100_000_000,
  bytesPerSecond: 20_000_000,
  secondsLeft: left,
  percent,
});
const progress = (percent: number, left: number): DownloadEvent => ({
  type: 'progress',
  ...look(percent, left),
});

describe('model download in the wizard', () => {
  it('offers a download when LM Studio has no chat model, follows it, cancels and resumes', async () => {
    const { api, emit, downloaded } = backend();
    const wizard = new Wizard(api);
    await wizard.scan();
    expect(wizard.download.offer?.name).toBe('gpt-oss 20B');
    const lmstudio = wizard.lmstudio;
    if (!lmstudio) throw new Error('no LM Studio');

    await wizard.download.start(lmstudio);
    expect(api.lmstudioDownload).toHaveBeenCalledWith(
      'http://127.0.0.1:1234/v1',
      OFFER.request,
      expect.any(Function),
    );
    expect(wizard.download.phase).toBe('starting');
    emit(progress(10, 4));
    emit(progress(30, 3));
    expect(wizard.download.phase).toBe('downloading');
    expect(wizard.download.progress?.percent).toBe(30);

    await wizard.download.cancel();
    expect(api.lmstudioDownloadCancel).toHaveBeenCalledWith(7);
    expect(wizard.download.phase).toBe('cancelled');
    expect(wizard.download.busy).toBe(false);

    await wizard.download.start(lmstudio);
    emit(progress(60, 2));
    downloaded();
    emit({ type: 'done', outcome: 'completed', ...look(100, 0), status: 'completed' });
    await vi.waitFor(() => expect(wizard.preferred).toBe('lmstudio/openai/gpt-oss-20b'));
    expect(wizard.download.phase).toBe('completed');
    expect(wizard.chosen).toEqual(['http://127.0.0.1:1234/v1']);
    wizard.next();
    wizard.next();
    expect(wizard.routes.map((r) => r.ref)).toEqual(['lmstudio/openai/gpt-oss-20b']);
  });

  it('a failed download or a gone server is an error, and it can start again', async () => {
    const { api, emit } = backend();
    const wizard = new Wizard(api);
    await wizard.scan();
    const lmstudio = wizard.lmstudio;
    if (!lmstudio) throw new Error('no LM Studio');
    await wizard.download.start(lmstudio);
    emit({ type: 'error', kind: 'unreachable', message: 'LM Studio stopped answering' });
    expect(wizard.download.phase).toBe('error');
    expect(wizard.download.error).toBe('LM Studio stopped answering');
    expect(wizard.download.busy).toBe(false);
    await wizard.download.start(lmstudio);
    expect(wizard.download.phase).toBe('starting');
    expect(wizard.download.error).toBeNull();
  });

  it('writes sizes and times left the way people read them', () => {
    expect(formatBytes(137_220_000_000)).toBe('137.2 GB');
    expect(formatBytes(512_000_000)).toBe('512 MB');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(600)).toBe('10 min');
    expect(formatDuration(7500)).toBe('2 h 5 min');
  });
});
