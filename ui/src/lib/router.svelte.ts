import { defineContext } from './context';
import { DEFAULT_SCREEN, hashFor, isScreenId, screenFromHash, type ScreenId } from './screens';

export const LAST_SCREEN_KEY = 'switchboard.lastScreen';

function readStored(): ScreenId | undefined {
  try {
    const value = localStorage.getItem(LAST_SCREEN_KEY);
    return isScreenId(value) ? value : undefined;
  } catch {
    return undefined; // storage disabled: fall back to the default screen
  }
}

function store(id: ScreenId): void {
  try {
    localStorage.setItem(LAST_SCREEN_KEY, id);
  } catch {
    // Storage disabled or full: remembering the screen is a nicety, not a requirement.
  }
}

/**
 * Which screen is shown. The URL hash (`#/settings`) wins on start, then the last screen
 * remembered in localStorage, then Chat. Navigation updates both.
 */
export class Router {
  #current = $state<ScreenId>(DEFAULT_SCREEN);
  /** Bumped on every user navigation, so the shell knows when to move focus. */
  #navigations = $state(0);

  constructor() {
    this.#current = screenFromHash(location.hash) ?? readStored() ?? DEFAULT_SCREEN;
    store(this.#current);
    this.#syncHash();
  }

  get current(): ScreenId {
    return this.#current;
  }

  get navigations(): number {
    return this.#navigations;
  }

  /** Shows `id`; `focus: false` leaves focus alone (a redirect the user did not ask for). */
  navigate(id: ScreenId, options: { focus?: boolean } = {}): void {
    this.#current = id;
    if (options.focus !== false) this.#navigations += 1;
    store(id);
    this.#syncHash();
  }

  /** Follow a hash typed into the address bar or set by a test driver. */
  handleHashChange(): void {
    const id = screenFromHash(location.hash);
    if (id === undefined) this.#syncHash();
    else if (id !== this.#current) this.navigate(id);
  }

  #syncHash(): void {
    const hash = hashFor(this.#current);
    if (location.hash !== hash) history.replaceState(history.state, '', hash);
  }
}

export const routerContext = defineContext<Router>('Router');
