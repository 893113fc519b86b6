/**
 * The provider editor's draft: what the form holds, how it becomes one `upsertProvider` edit,
 * and which config path each field answers for, so the core's refusals land next to their field.
 *
 * Numbers stay as the user typed them (`null` when empty) and are checked by the core, which is
 * the authority; the form only checks what would make the paths meaningless (the provider id)
 * or the row unusable (an empty model id or name, an empty header name).
 */
import { t } from '../../lib/i18n/i18n.svelte';
import type { ConfigProvider, HeaderInput, ModelInput, ProviderInput } from '../../lib/ipc';
import { isProviderId, type HostedPreset } from '../wizard/presets';
import type { FieldProblem } from './providers.svelte';

export const COST_KINDS = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;
export type CostKind = (typeof COST_KINDS)[number];

/** The input kinds offered as checkboxes (others a model has are kept and shown too). */
export const INPUT_KINDS = ['text', 'image'] as const;

export interface HeaderDraft {
  /** Stable row key for the list. */
  key: number;
  name: string;
  value: string;
  /** The header has a value the view does not show; it is kept while `value` is empty. */
  hidden: boolean;
}

export interface ModelDraft {
  key: number;
  /** The id in the file, for a model that exists (so a rename keeps its other keys). */
  previousId: string | null;
  id: string;
  name: string;
  /** The model's own API override, kept as it is. */
  api: string | null;
  contextWindow: number | null;
  maxTokens: number | null;
  /** USD per million tokens. */
  cost: Record<CostKind, number | null>;
  reasoning: boolean;
  input: string[];
}

export interface ProviderDraft {
  id: string;
  baseUrl: string;
  /** '' = the provider's default (`openai-completions` for a custom base URL). */
  api: string;
  headers: HeaderDraft[];
  models: ModelDraft[];
}

let nextKey = 1;
const key = () => nextKey++;

export function emptyModel(): ModelDraft {
  return {
    key: key(),
    previousId: null,
    id: '',
    name: '',
    api: null,
    contextWindow: null,
    maxTokens: null,
    cost: { input: null, output: null, cacheRead: null, cacheWrite: null },
    reasoning: false,
    input: ['text'],
  };
}

export function emptyHeader(): HeaderDraft {
  return { key: key(), name: '', value: '', hidden: false };
}

export function draftFromProvider(p: ConfigProvider): ProviderDraft {
  const providerApi = p.api ?? 'openai-completions';
  return {
    id: p.id,
    baseUrl: p.baseUrl ?? '',
    api: p.api ?? '',
    headers: p.headers.map((h) => ({
      key: key(),
      name: h.name,
      value: h.value ?? '',
      hidden: h.value === null,
    })),
    models: p.models.map((m) => ({
      key: key(),
      previousId: m.id,
      id: m.id,
      name: m.name,
      api: m.api !== providerApi ? m.api : null,
      contextWindow: m.contextWindow,
      maxTokens: m.maxTokens,
      cost: { ...m.cost },
      reasoning: m.reasoning,
      input: [...m.input],
    })),
  };
}

export function draftFromPreset(preset: HostedPreset): ProviderDraft {
  const model = emptyModel();
  model.id = preset.model.id;
  model.name = preset.model.name;
  model.contextWindow = preset.model.contextWindow;
  return {
    id: preset.id === 'custom' ? '' : preset.provider,
    baseUrl: preset.baseUrl,
    api: preset.api,
    headers: [],
    models: [model],
  };
}

const blankToNull = (n: number | null | undefined): number | null =>
  n === null || n === undefined || Number.isNaN(n) ? null : n;

function modelInput(m: ModelDraft): ModelInput {
  const cost = COST_KINDS.map((k) => blankToNull(m.cost[k]));
  const input = m.input.length === 1 && m.input[0] === 'text' ? null : [...m.input];
  return {
    id: m.id.trim(),
    previousId: m.previousId !== null && m.previousId !== m.id.trim() ? m.previousId : null,
    name: m.name.trim(),
    api: m.api,
    // `false` and `["text"]` are the defaults: left out rather than written.
    reasoning: m.reasoning ? true : null,
    input,
    cost: cost.every((c) => c === null || c === 0)
      ? null
      : { input: cost[0], output: cost[1], cacheRead: cost[2], cacheWrite: cost[3] },
    contextWindow: blankToNull(m.contextWindow),
    maxTokens: blankToNull(m.maxTokens),
  };
}

function headerInput(h: HeaderDraft): HeaderInput {
  return {
    name: h.name.trim(),
    value: h.hidden && h.value === '' ? { kind: 'keep' } : { kind: 'text', value: h.value },
  };
}

/** The `upsertProvider` input for `draft`; settings the form does not edit come from `base`. */
export function toProviderInput(draft: ProviderDraft, base?: ConfigProvider): ProviderInput {
  return {
    id: draft.id.trim(),
    baseUrl: draft.baseUrl.trim() || null,
    api: draft.api || null,
    auth: base?.auth ?? null,
    authHeader: base?.authHeader ?? null,
    maxTokens: base?.maxTokens ?? null,
    timeoutSeconds: base?.timeoutSeconds ?? null,
    key: { kind: 'keep' },
    headers: draft.headers.map(headerInput),
    models: draft.models.map(modelInput),
  };
}

function isIdent(key: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key);
}

/** `prefix.key`, or `prefix["key"]` for keys the core quotes (mirrors core's `ConfigPath`). */
export function keyPath(prefix: string, key: string): string {
  return isIdent(key) ? `${prefix}.${key}` : `${prefix}[${JSON.stringify(key)}]`;
}

/** The config path of each field of `draft`. */
export function paths(draft: ProviderDraft) {
  const provider = keyPath('models.providers', draft.id.trim());
  return {
    provider,
    id: `${provider}.id`,
    baseUrl: `${provider}.baseUrl`,
    api: `${provider}.api`,
    headers: `${provider}.headers`,
    header: (name: string) => keyPath(`${provider}.headers`, name.trim()),
    model: (index: number) => `${provider}.models[${index}]`,
  };
}

/** Problems the form can see before asking the core: `existing` are the ids already in use. */
export function clientProblems(
  draft: ProviderDraft,
  adding: boolean,
  existing: readonly string[],
): FieldProblem[] {
  const p = paths(draft);
  const out: FieldProblem[] = [];
  const id = draft.id.trim();
  if (adding && !isProviderId(id))
    out.push({
      path: p.id,
      message: t('editor.badId'),
    });
  else if (adding && existing.includes(id))
    out.push({ path: p.id, message: t('editor.idExists', { id }) });
  draft.headers.forEach((h) => {
    if (h.name.trim() === '')
      out.push({
        path: `${p.headers}[${draft.headers.indexOf(h)}]`,
        message: t('editor.nameHeader'),
      });
  });
  draft.models.forEach((m, i) => {
    if (m.id.trim() === '')
      out.push({ path: `${p.model(i)}.id`, message: t('editor.enterModelId') });
    if (m.name.trim() === '')
      out.push({ path: `${p.model(i)}.name`, message: t('editor.enterName') });
  });
  return out;
}

/** Whether the value of header `name` looks like a credential written in clear. */
export function literalCredential(name: string, value: string): boolean {
  return (
    /auth|key|token|secret|cookie|password|session/i.test(name) &&
    value.trim() !== '' &&
    !/\$\{[A-Z_][A-Z0-9_]*\}/.test(value)
  );
}
