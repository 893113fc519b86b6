import type { EnvironmentProbes } from '../../lib/ipc';

/** How each environment probe is presented, in display order. */
export const PROBE_INFO: readonly {
  key: keyof EnvironmentProbes;
  label: string;
  why: string;
}[] = [
  {
    key: 'keyring',
    label: 'OS keychain',
    why: 'Stores provider API keys securely, outside the config file.',
  },
  {
    key: 'trayHost',
    label: 'System tray',
    why: 'Shows the route status icon and keeps Switchboard running when the window is closed.',
  },
  {
    key: 'dbusSession',
    label: 'D-Bus session bus',
    why: 'Lets a second launch focus the open window; the tray and keychain use it on Linux.',
  },
];
