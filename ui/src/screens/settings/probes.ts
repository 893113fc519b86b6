import type { MessageId } from '../../lib/i18n/i18n.svelte';
import type { EnvironmentProbes } from '../../lib/ipc';

/** How each environment probe is presented, in display order. */
export const PROBE_INFO: readonly {
  key: keyof EnvironmentProbes;
  label: MessageId;
  why: MessageId;
}[] = [
  {
    key: 'keyring',
    label: 'settings.keyring',
    why: 'settings.keyringWhy',
  },
  {
    key: 'trayHost',
    label: 'settings.trayHost',
    why: 'settings.trayHostWhy',
  },
  {
    key: 'dbusSession',
    label: 'settings.dbus',
    why: 'settings.dbusWhy',
  },
];
