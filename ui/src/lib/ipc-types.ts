/**
 * The types shared with the Rust side, re-exported by `ipc.ts` (the only module that talks to the
 * Tauri bridge). They are generated from the Rust types into `generated/ipc.ts`: change the Rust
 * type, then run `bash .ci/ipc-types`. Here are only the names the UI gives to parts of them and
 * the shapes of command arguments that are not one Rust type.
 */

import type { ChatEvent, ConfigUpdate } from './generated/ipc';

export type * from './generated/ipc';

/** The event that ends a turn that answered. */
export type ChatDoneEvent = Extract<ChatEvent, { type: 'done' }>;

/** A `config-changed` event: the reload changed something (the shell sends no `unchanged`). */
export type ConfigChanged = Exclude<ConfigUpdate, { kind: 'unchanged' }>;

/** Where to test a key that is not saved yet (`keys_test`'s `baseUrl` and `api` arguments). */
export interface KeyTestTarget {
  baseUrl?: string | null;
  api?: string | null;
}
