import { mount } from 'svelte';
import App from './App.svelte';
import StartupError from './lib/components/StartupError.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app element');

/** What this browser lacks that the app cannot do without; null when nothing. */
function missingEssentials(): string | null {
  if (typeof Worker === 'undefined') return 'This browser has no Web Workers, and the model trains in one so that the page stays responsive.';
  return null;
}

const missing = missingEssentials();
try {
  if (missing) throw new Error(missing);
  mount(App, { target });
} catch (error) {
  // Whatever was half-built is replaced by a message: never a blank page.
  target.replaceChildren();
  const reason = error instanceof Error ? error.message : String(error);
  mount(StartupError, { target, props: { reason: missing ?? `It stopped while starting: ${reason}` } });
  if (!missing) console.error(error);
}
