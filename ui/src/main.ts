import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { loadCatalog } from './lib/catalog';
import { applyRememberedTheme } from './lib/settings.svelte';

// Before the first paint: the theme chosen last time (the saved settings confirm it on load),
// and the provider catalog the wizard's presets read.
applyRememberedTheme();
await loadCatalog();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
