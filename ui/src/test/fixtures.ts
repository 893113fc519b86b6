import { mockIPC } from '@tauri-apps/api/mocks';
import type { AppStatus } from '../lib/ipc';

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

/** Answer `app_status` with `status`, or reject with `rejectWith` when given. */
export function mockBackend(options: { status?: AppStatus; rejectWith?: unknown } = {}): string[] {
  const calls: string[] = [];
  mockIPC((cmd) => {
    calls.push(cmd);
    /* eslint-disable @typescript-eslint/only-throw-error -- the Rust side rejects with plain
       {kind, message} objects (or strings), not Error instances; mimic that exactly. */
    if (cmd !== 'app_status') throw { kind: 'not_found', message: `no command ${cmd}` };
    if (options.rejectWith !== undefined) throw options.rejectWith;
    /* eslint-enable @typescript-eslint/only-throw-error */
    return options.status ?? sampleStatus();
  });
  return calls;
}

/** Put the page on `hash` (e.g. `#/settings`) with clean storage, before rendering the app. */
export function resetLocation(hash = ''): void {
  localStorage.clear();
  history.replaceState(null, '', `/${hash}`);
}
