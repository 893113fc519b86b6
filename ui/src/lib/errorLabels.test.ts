import { describe, expect, it } from 'vitest';
import {
  ERROR_LABELS,
  errorLabel,
  errorSentence,
  errorTitle,
  type LabelledKind,
} from './errorLabels';
import { tIn } from './i18n/i18n.svelte';

// Every kind, as a type-checked list: a kind added on the Rust side (and generated into
// `generated/ipc.ts`) makes `ERROR_LABELS` fail to compile until it is worded, and this list must
// then name it too.
const KINDS = {
  auth: true,
  billing: true,
  forbidden: true,
  not_found: true,
  model_not_loaded: true,
  rate_limit: true,
  overloaded: true,
  server: true,
  timeout: true,
  connection: true,
  context_overflow: true,
  bad_request: true,
  protocol: true,
  truncated: true,
  cancelled: true,
  config: true,
  unsupported: true,
  model_not_found: true,
  no_primary: true,
  no_route: true,
  interrupted: true,
  cooldown: true,
  io: true,
  invalid_input: true,
  no_location: true,
  database: true,
  invalid_config: true,
  conflict: true,
  not_writable: true,
  keychain: true,
  not_ready: true,
  internal: true,
  unreachable: true,
  no_chat_models: true,
  not_in_app: true,
  unknown: true,
  private: true,
  over_budget: true,
  budget: true,
  no_image_input: true,
  no_tool_use: true,
} satisfies Record<LabelledKind, true>;

describe('error labels', () => {
  it('words every kind, and nothing else', () => {
    expect(Object.keys(ERROR_LABELS).sort()).toEqual(Object.keys(KINDS).sort());
    for (const { label, why } of Object.values(ERROR_LABELS)) {
      expect(tIn('en', label)).toMatch(/^[a-z][a-z -]+$/);
      // Korean words, not the English ones or the key.
      expect(tIn('ko', label)).toMatch(/^[\p{Script=Hangul}][\p{Script=Hangul} ]*$/u);
      // A whole sentence in each language, and a Korean one that is not the English one.
      expect(tIn('en', why)).toMatch(/^[A-Z].*\.$/);
      expect(tIn('ko', why)).toMatch(/\p{Script=Hangul}.*\.$/u);
    }
  });

  it('says a sentence for every kind, and a general one for a kind it does not know', () => {
    expect(errorSentence('rate_limit')).toBe(
      'The provider is limiting requests; try again shortly.',
    );
    expect(errorSentence('server_error')).toBe('Something went wrong.');
    expect(errorSentence(null)).toBe('Something went wrong.');
    expect(errorSentence('toString')).toBe('Something went wrong.');
  });

  it('says a failed connection the same way everywhere', () => {
    expect(errorLabel('connection')).toBe('unreachable');
    expect(errorLabel('unreachable')).toBe('unreachable');
    expect(errorTitle('connection')).toBe('Unreachable');
  });

  it('falls back for no kind, and words a kind it does not know', () => {
    expect(errorLabel(null)).toBe('failed');
    expect(errorLabel(undefined, 'skipped')).toBe('skipped');
    expect(errorLabel('server_error')).toBe('server error');
    expect(errorTitle(null)).toBe('Failed');
    expect(errorLabel('toString')).toBe('toString');
  });
});
