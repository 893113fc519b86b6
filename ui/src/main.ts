import { applyRememberedLanguage } from './lib/i18n/i18n.svelte';
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { loadCatalog } from './lib/catalog';
import { applyRememberedTheme } from './lib/settings.svelte';

// Before the first paint: the theme and language chosen last time (the saved settings confirm
// them on load; with none remembered, the system's language),
// and the provider catalog the wizard's presets read.
applyRememberedTheme();
applyRememberedLanguage();
await loadCatalog();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
