import { clearMocks } from '@tauri-apps/api/mocks';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import SettingsScreen from './SettingsScreen.svelte';
import { AppStatusStore, appStatusContext } from '../../lib/appStatus.svelte';
import { mockBackend, sampleStatus } from '../../test/fixtures';

function renderSettings(store = new AppStatusStore()) {
  return render(SettingsScreen, { context: new Map([[appStatusContext.key, store]]) });
}

afterEach(() => {
  clearMocks();
});

describe('SettingsScreen', () => {
  it('shows a loading state, then version, paths and probes', async () => {
    mockBackend();
    renderSettings();
    expect(screen.getByTestId('settings-loading')).toHaveTextContent(/Checking/);

    expect(await screen.findByTestId('app-version')).toHaveTextContent('0.1.0-test');
    const status = sampleStatus();
    expect(screen.getByTestId('config-path')).toHaveTextContent(status.configPath);
    expect(screen.getByTestId('data-dir')).toHaveTextContent(status.dataDir);
    expect(screen.getByTestId('log-dir')).toHaveTextContent(status.logDir);

    const dbus = screen.getByTestId('probe-dbusSession');
    expect(dbus).toHaveAttribute('data-available', 'true');
    expect(within(dbus).getByText('OK')).toBeInTheDocument();
    expect(dbus).toHaveTextContent(status.environment.dbusSession.detail);

    for (const key of ['trayHost', 'keyring'] as const) {
      const row = screen.getByTestId(`probe-${key}`);
      expect(row).toHaveAttribute('data-available', 'false');
      expect(within(row).getByText('Missing')).toBeInTheDocument();
      expect(row).toHaveTextContent(status.environment[key].detail);
    }
    expect(screen.getByText('2 missing')).toBeInTheDocument();
  });

  it('shows the IpcError message when app_status rejects', async () => {
    mockBackend({ rejectWith: { kind: 'io', message: 'Permission denied: /home/ada/.config' } });
    renderSettings();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Permission denied: /home/ada/.config');
    expect(alert).toHaveAttribute('data-kind', 'io');
    expect(screen.queryByTestId('app-version')).not.toBeInTheDocument();
  });

  it('tries again after an error', async () => {
    const user = userEvent.setup();
    mockBackend({ rejectWith: 'backend not ready' });
    renderSettings();
    expect(await screen.findByRole('alert')).toHaveTextContent('backend not ready');

    mockBackend();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('app-version')).toHaveTextContent('0.1.0-test');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says so when not running inside the app', async () => {
    renderSettings();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /Not running inside the Switchboard app/,
    );
  });

  it('asks the backend only once across visits', async () => {
    const calls = mockBackend();
    const store = new AppStatusStore();
    const first = renderSettings(store);
    await screen.findByTestId('app-version');
    first.unmount();
    renderSettings(store);
    expect(screen.getByTestId('app-version')).toBeInTheDocument();
    expect(calls).toEqual(['app_status']);
  });
});
