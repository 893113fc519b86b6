import { describe, expect, it, vi } from 'vitest';
import type { ChatEvent, ChatModels, ChatStarted } from '../../lib/ipc';
import {
  ComposerImages,
  MAX_IMAGES,
  MAX_IMAGE_BYTES,
  base64Of,
  carriesFiles,
  imageRefusal,
  imageFiles,
  sizeText,
} from './attachments.svelte';
import { ChatStore } from './chat.svelte';

/** A 2×2 red PNG. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==';

function png(name = 'red.png'): File {
  const bytes = Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0));
  return new File([bytes], name, { type: 'image/png' });
}

function sized(file: File, size: number): File {
  Object.defineProperty(file, 'size', { value: size });
  return file;
}

describe('ComposerImages', () => {
  it('takes PNG, JPEG, WebP and GIF images as data URLs, and says why it refuses others', async () => {
    const images = new ComposerImages();
    await images.add([png(), new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' })]);
    expect(images.items).toHaveLength(1);
    expect(images.items[0]?.mediaType).toBe('image/png');
    expect(images.items[0]?.dataUrl).toBe(`data:image/png;base64,${PNG_BASE64}`);
    expect(base64Of(images.items[0]?.dataUrl ?? '')).toBe(PNG_BASE64);
    expect(images.problem).toBe('logo.svg is not a PNG, JPEG, WebP or GIF image.');
    await images.add([new File(['GIF89a'], 'a.gif', { type: 'image/gif' })]);
    expect(images.items.map((i) => i.name)).toEqual(['red.png', 'a.gif']);
    expect(images.problem).toBeNull();
  });

  it('refuses an image over the size limit with its size and the limit', async () => {
    const images = new ComposerImages();
    await images.add([sized(png('huge.png'), MAX_IMAGE_BYTES + 1)]);
    expect(images.items).toHaveLength(0);
    expect(images.problem).toBe('huge.png is 20.0 MB; images may be at most 20 MB.');
    await images.add([sized(png('big.png'), 25 * 1024 * 1024 + 512 * 1024)]);
    expect(images.problem).toBe('big.png is 25.5 MB; images may be at most 20 MB.');
    expect(sizeText(12 * 1024)).toBe('12 KB');
  });

  it('keeps several images up to the limit, removes one, and clears and restores them', async () => {
    const images = new ComposerImages();
    await images.add(Array.from({ length: MAX_IMAGES + 2 }, (_, i) => png(`p${i}.png`)));
    expect(images.items).toHaveLength(MAX_IMAGES);
    expect(images.problem).toBe(`At most ${MAX_IMAGES} images per message.`);
    const second = images.items[1];
    images.remove(second?.key ?? '');
    expect(images.items).toHaveLength(MAX_IMAGES - 1);
    expect(images.items.some((i) => i.key === second?.key)).toBe(false);
    expect(images.problem).toBeNull();
    const kept = images.items;
    images.clear();
    expect(images.items).toHaveLength(0);
    images.restore(kept);
    expect(images.items).toEqual(kept);
    images.refuse('qwen takes text only');
    expect(images.problem).toBe('qwen takes text only');
  });

  it('finds image files in a paste or a drop', () => {
    const data = {
      files: [png(), new File(['hi'], 'note.txt', { type: 'text/plain' })],
      types: ['Files'],
    } as unknown as DataTransfer;
    expect(imageFiles(data).map((f) => f.name)).toEqual(['red.png']);
    expect(carriesFiles(data)).toBe(true);
    expect(carriesFiles({ types: ['text/plain'] } as unknown as DataTransfer)).toBe(false);
    expect(imageFiles(null)).toEqual([]);
  });
});

const MODELS: ChatModels = {
  primary: 'eyes/vl',
  models: [
    {
      id: 'eyes/vl',
      label: 'eyes/vl',
      ref: 'eyes/vl',
      alias: null,
      name: 'VL',
      place: 'this_machine',
      local: true,
      private: true,
      contextWindow: null,
      reasoning: false,
      images: true,
      quantization: null,
      loaded: null,
      speed: null,
    },
  ],
};

function store() {
  let emit: (e: ChatEvent) => void = () => {};
  const api = {
    historyList: vi.fn().mockResolvedValue([]),
    historyLoad: vi.fn(),
    historySearch: vi.fn().mockResolvedValue([]),
    historyRename: vi.fn(),
    historyDelete: vi.fn(),
    historySelectVersion: vi.fn(),
    chatRegenerate: vi.fn(),
    chatModels: vi.fn().mockResolvedValue(MODELS),
    chatSend: vi.fn((_input: unknown, onEvent: (e: ChatEvent) => void) => {
      emit = onEvent;
      return Promise.resolve<ChatStarted>({ requestId: 1, conversationId: 4 });
    }),
    chatSetPrivate: vi.fn(),
    chatRetryNext: vi.fn(),
    chatCancel: vi.fn(),
    discoveryLoadRouteModel: vi.fn(),
    historyExportFile: vi.fn(),
    historyImage: vi.fn().mockResolvedValue(`data:image/png;base64,${PNG_BASE64}`),
  };
  const chat = new ChatStore(
    api,
    () => 1,
    () => {},
  );
  return { api, chat, emit: (e: ChatEvent) => emit(e) };
}

describe('imageRefusal', () => {
  it('names the picked model, or gives core the words for a route', () => {
    const core = 'b/m takes text only (no "image" in the config\'s `input`): nothing was sent';
    expect(imageRefusal(core, 'b/m')).toBe(
      'b/m takes text only, so nothing was sent. Pick a model that reads images, or remove the images.',
    );
    expect(imageRefusal('a/m, b/m take text only', '')).toBe(
      'No model of this route reads images, so nothing was sent. a/m, b/m take text only',
    );
  });
});

describe('sending images', () => {
  it('sends the bytes as base64 with the text, shows them on the message, and sends them again on retry', async () => {
    const { api, chat, emit } = store();
    await chat.init();
    expect(chat.selectedModel?.images).toBe(true);
    const images = new ComposerImages();
    await images.add([png()]);
    expect(await chat.send('', images.items)).toBe(true);
    const input = api.chatSend.mock.calls[0]?.[0] as { text: string; images: string[] };
    expect(input.text).toBe('');
    expect(input.images).toEqual([PNG_BASE64]);
    const user = chat.messages[0];
    expect(user?.role).toBe('user');
    expect(user?.images.map((i) => i.src)).toEqual([`data:image/png;base64,${PNG_BASE64}`]);
    emit({
      type: 'error',
      reason: 'no_route',
      message: 'down',
      retryNext: null,
      trail: { leftMachine: false, destinations: [] },
    });
    const answer = chat.messages[1];
    expect(answer?.status).toBe('failed');
    expect(await chat.retry(answer!)).toBe(true);
    const again = api.chatSend.mock.calls[1]?.[0] as { images: string[] };
    expect(again.images).toEqual([PNG_BASE64]);
  });

  it('reads a saved image by its hash once', async () => {
    const { api, chat } = store();
    const sha = 'a'.repeat(64);
    expect(await chat.imageSrc(sha)).toBe(`data:image/png;base64,${PNG_BASE64}`);
    await chat.imageSrc(sha);
    expect(api.historyImage).toHaveBeenCalledTimes(1);
    expect(api.historyImage).toHaveBeenCalledWith(sha);
  });
});
