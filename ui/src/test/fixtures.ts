import { mockIPC } from '@tauri-apps/api/mocks';
import type {
  AppSettings,
  AppStatus,
  ConfigView,
  DetectedModel,
  DetectedServer,
  KnownProvider,
  ScanReport,
  SettingsView,
} from '../lib/ipc';

export function sampleStatus(overrides: Partial<AppStatus> = {}): AppStatus {
  return {
    version: '0.1.0-test',
    configPath: '/home/ada/.config/switchboard/config.json5',
    dataDir: '/home/ada/.local/share/switchboard',
    logDir: '/home/ada/.local/state/switchboard/logs',
    environment: {
      dbusSession: { available: true, detail: 'Session bus at unix:path=/run/user/1000/bus' },
      trayHost: {
        available: false,
        detail: 'No StatusNotifierWatcher on the session bus; install a tray extension.',
      },
      keyring: {
        available: false,
        detail: 'No Secret Service provider; install gnome-keyring or KeePassXC.',
      },
    },
    ...overrides,
  };
}

/** Answers for other commands: a value, or a function of the arguments. */
export type Handlers = Record<string, (args: Record<string, unknown>) => unknown>;

/**
 * Answer `app_status` with `status`, or reject with `rejectWith` when given; other commands
 * through `handlers`, else with a `not_found` rejection.
 */
export function mockBackend(
  options: { status?: AppStatus; rejectWith?: unknown; handlers?: Handlers; events?: boolean } = {},
): string[] {
  const calls: string[] = [];
  mockIPC(
    (cmd, args) => {
      calls.push(cmd);
      const handler = options.handlers?.[cmd];
      if (handler) return handler((args ?? {}) as Record<string, unknown>);
      /* eslint-disable @typescript-eslint/only-throw-error -- the Rust side rejects with plain
       {kind, message} objects (or strings), not Error instances; mimic that exactly. */
      if (cmd !== 'app_status') throw { kind: 'not_found', message: `no command ${cmd}` };
      if (options.rejectWith !== undefined) throw options.rejectWith;
      /* eslint-enable @typescript-eslint/only-throw-error */
      return options.status ?? sampleStatus();
    },
    { shouldMockEvents: options.events ?? false },
  );
  return calls;
}

/** Put the page on `hash` (e.g. `#/settings`) with clean storage, before rendering the app. */
export function resetLocation(hash = ''): void {
  localStorage.clear();
  history.replaceState(null, '', `/${hash}`);
}

/** A config view with nothing in it (a first run), with `overrides`. */
export function sampleView(overrides: Partial<ConfigView> = {}): ConfigView {
  return {
    path: '/home/ada/.config/switchboard/config.json5',
    exists: false,
    valid: true,
    revision: null,
    diagnostics: [],
    mode: 'merge',
    providers: [],
    aliases: [],
    primary: null,
    fallbacks: [],
    apis: ['openai-completions', 'openai-responses', 'anthropic-messages'],
    ...overrides,
  };
}

/** A detected model with `overrides`. */
export function sampleModel(overrides: Partial<DetectedModel> = {}): DetectedModel {
  return {
    id: 'qwen/qwen3-8b',
    name: 'Qwen3 8B',
    type: 'llm',
    loaded: true,
    contextWindow: 32768,
    loadedContextWindow: 32768,
    maxContextWindow: 131072,
    quantization: 'Q4_K_M',
    bitsPerWeight: 4,
    params: '8B',
    arch: 'qwen3',
    format: 'gguf',
    toolUse: true,
    reasoning: true,
    warnings: [],
    ...overrides,
  };
}

/** A scan with LM Studio running `models` (default: one loaded, one not) and Ollama down. */
export function sampleReport(models?: DetectedModel[], lmstudioUp = true): ScanReport {
  const lmstudio: DetectedServer = {
    kind: 'lmstudio',
    baseUrl: 'http://127.0.0.1:1234/v1',
    status: lmstudioUp ? 'running' : 'not_running',
    version: lmstudioUp ? '0.4.2' : null,
    api: lmstudioUp ? 'openai-responses' : null,
    needsKey: false,
    models: lmstudioUp
      ? (models ?? [
          sampleModel(),
          sampleModel({
            id: 'google/gemma-3-27b',
            name: 'Gemma 3 27B',
            type: 'vlm',
            loaded: false,
            contextWindow: 131072,
            loadedContextWindow: null,
            warnings: [
              {
                code: 'not_loaded',
                message: 'not loaded: the first answer waits for the model to load; keep it loaded',
              },
            ],
          }),
        ])
      : [],
    elapsedMs: 3,
  };
  const ollama: DetectedServer = {
    kind: 'ollama',
    baseUrl: 'http://127.0.0.1:11434/v1',
    status: 'not_running',
    version: null,
    api: null,
    needsKey: false,
    models: [],
    elapsedMs: 1,
  };
  return { servers: [lmstudio, ollama], suggested: null };
}

/** Settings as `settings_get` returns them on a first run (the defaults), with `overrides`. */
export function sampleSettings(overrides: Partial<AppSettings> = {}): AppSettings {
  return {
    theme: 'system',
    closeToTray: true,
    startHidden: false,
    startAtLogin: false,
    detectIntervalSecs: 30,
    extraServerUrls: [],
    offline: false,
    staysLocal: [],
    budgets: { overall: { dailyUsd: null, monthlyUsd: null }, providers: {} },
    fastestLocalFirst: false,
    language: 'system',
    defaultSystemPrompt: '',
    ...overrides,
  };
}

/** A `settings_get` answer: `settings`, no warning, and Ada's file locations. */
export function sampleSettingsView(
  settings: Partial<AppSettings> = {},
  warning: string | null = null,
): SettingsView {
  return {
    settings: sampleSettings(settings),
    warning,
    systemLocale: null,
    locations: {
      configFile: '/home/ada/.config/switchboard/config.json5',
      settingsFile: '/home/ada/.config/switchboard/settings.json',
      dataDir: '/home/ada/.local/share/switchboard',
      historyFile: '/home/ada/.local/share/switchboard/history.sqlite3',
      logDir: '/home/ada/.local/state/switchboard/logs',
    },
  };
}

/** A catalog as `catalog_providers` sends it (a subset of core's, same shape). */
export function sampleCatalog(): KnownProvider[] {
  const hosted = (id: string, name: string, description: string, baseUrl: string, envVar: string) =>
    ({
      id,
      aliases: [],
      name,
      description,
      baseUrl,
      api: 'openai-completions',
      auth: 'bearer',
      envVar,
      placeholder: null,
      port: null,
      locality: 'hosted',
      forwards: false,
    }) satisfies KnownProvider;
  const local = (id: string, name: string, port: number, placeholder: string | null) =>
    ({
      id,
      aliases: [],
      name,
      description: `${name} on this machine`,
      baseUrl: `http://127.0.0.1:${port}/v1`,
      api: 'openai-completions',
      auth: 'bearer',
      envVar: null,
      placeholder,
      port,
      locality: 'local',
      forwards: false,
    }) satisfies KnownProvider;
  return [
    {
      ...hosted(
        'anthropic',
        'Anthropic',
        'Claude models',
        'https://api.anthropic.com/v1',
        'ANTHROPIC_API_KEY',
      ),
      api: 'anthropic-messages',
      auth: 'x-api-key',
    },
    hosted('openai', 'OpenAI', 'GPT models', 'https://api.openai.com/v1', 'OPENAI_API_KEY'),
    hosted(
      'openrouter',
      'OpenRouter',
      'Many models, one key',
      'https://openrouter.ai/api/v1',
      'OPENROUTER_API_KEY',
    ),
    local('lmstudio', 'LM Studio', 1234, 'lmstudio'),
    local('ollama', 'Ollama', 11434, 'ollama-local'),
    local('vllm', 'vLLM', 8000, 'vllm'),
    local('llamacpp', 'llama.cpp', 8080, 'llamacpp'),
    local('litellm', 'LiteLLM', 4000, null),
    local('jan', 'Jan', 1337, 'jan'),
  ];
}
