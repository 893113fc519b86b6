/**
 * The composer's images waiting to be sent: added by paste, drop or the file picker, checked
 * here for type, size and count (core checks again; the page is not trusted), shown as
 * thumbnails until removed or sent. The bytes go to core as base64; no file path ever does.
 */
import { defineContext } from '../../lib/context';
import { t } from '../../lib/i18n/i18n.svelte';

/** Reads a saved image's `data:` URL by its hash (the chat screen provides its store's). */
export const imageSourceContext = defineContext<(sha256: string) => Promise<string>>('ImageSource');

/** The formats models read. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
/** The largest image, as core's `MAX_IMAGE_BYTES` (20 MiB). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** The most images per message, as core's `MAX_IMAGES_PER_MESSAGE`. */
export const MAX_IMAGES = 16;

/** An image waiting in the composer. */
export interface PendingImage {
  key: string;
  name: string;
  mediaType: string;
  size: number;
  /** `data:` URL: the thumbnail's source (the CSP allows `data:` images). */
  dataUrl: string;
}

let keys = 0;

/** "20 MB", "1.5 MB", "12 KB". */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) {
    const mb = bytes / (1024 * 1024);
    return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  }
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The image files among a paste's or a drop's items. */
export function imageFiles(data: DataTransfer | null): File[] {
  if (!data) return [];
  return Array.from(data.files).filter((f) => f.type.startsWith('image/'));
}

/** Whether a drag carries files (so the composer may take the drop). */
export function carriesFiles(data: DataTransfer | null): boolean {
  return !!data && Array.from(data.types).includes('Files');
}

function readDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () =>
      typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error('no data'));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(file);
  });
}

export class ComposerImages {
  #items = $state<PendingImage[]>([]);
  /** Why the last image offered was not taken; null when all were. */
  #problem = $state<string | null>(null);

  get items(): PendingImage[] {
    return this.#items;
  }
  get problem(): string | null {
    return this.#problem;
  }

  /** Adds the images of `files` that fit; says why any did not. */
  async add(files: File[]): Promise<void> {
    this.#problem = null;
    for (const file of files) {
      const name = file.name || file.type;
      if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
        this.#problem = t('images.badType', { name });
        continue;
      }
      if (file.size > MAX_IMAGE_BYTES) {
        this.#problem = t('images.tooLarge', {
          name,
          size: sizeText(file.size),
          limit: sizeText(MAX_IMAGE_BYTES),
        });
        continue;
      }
      if (this.#items.length >= MAX_IMAGES) {
        this.#problem = t('images.tooMany', { limit: MAX_IMAGES });
        break;
      }
      let dataUrl: string;
      try {
        dataUrl = await readDataUrl(file);
      } catch {
        this.#problem = t('images.unreadable', { name });
        continue;
      }
      this.#items = [
        ...this.#items,
        { key: `img${++keys}`, name, mediaType: file.type, size: file.size, dataUrl },
      ];
    }
  }

  /** Says why images cannot be added now (a text-only model). */
  refuse(problem: string): void {
    this.#problem = problem;
  }

  remove(key: string): void {
    this.#items = this.#items.filter((i) => i.key !== key);
    this.#problem = null;
  }

  /** Empties the composer (after a send). */
  clear(): void {
    this.#items = [];
    this.#problem = null;
  }

  /** Puts images back (a send that failed before it started). */
  restore(items: PendingImage[]): void {
    this.#items = [...items, ...this.#items];
  }
}

/** The base64 bytes of a `data:` URL. */
export function base64Of(dataUrl: string): string {
  return dataUrl.slice(dataUrl.indexOf(',') + 1);
}

/**
 * Words for core's `no_image_input` refusal: naming the picked model when it was the one
 * refused (core's message starts with it), else core's message naming the route's models.
 */
export function imageRefusal(message: string, picked: string): string {
  if (picked.includes('/') && message.startsWith(`${picked} `)) {
    return t('images.refusedModel', { model: picked });
  }
  return t('images.refusedRoute', { detail: message });
}
