/**
 * The known providers from core's one catalog (`catalog_providers`), loaded once before the
 * first paint (`main.ts`) so the wizard's presets and the server names read it synchronously.
 * Nothing in the UI keeps its own list of provider URLs, APIs, key variables or ports.
 */
import { catalogProviders, toIpcError, type IpcError, type KnownProvider } from './ipc';

let providers: readonly KnownProvider[] = [];
let failure: IpcError | undefined;

/** Loads the catalog; a failure (not in the app) leaves it empty and is kept in {@link catalogError}. */
export async function loadCatalog(
  fetch: () => Promise<KnownProvider[]> = catalogProviders,
): Promise<void> {
  try {
    providers = await fetch();
    failure = undefined;
  } catch (error) {
    failure = toIpcError(error);
  }
}

/** Replaces the catalog (tests). */
export function setCatalog(list: readonly KnownProvider[]): void {
  providers = list;
  failure = undefined;
}

/** Every known provider, in the catalog's order (hosted first). */
export function knownProviders(): readonly KnownProvider[] {
  return providers;
}

/** The provider `id` names (trimmed, any case, aliases included). */
export function knownProvider(id: string): KnownProvider | undefined {
  const key = id.trim().toLowerCase();
  return providers.find((p) => p.id === key || p.aliases.includes(key));
}

/** Why the catalog could not be loaded, if it could not. */
export function catalogError(): IpcError | undefined {
  return failure;
}
