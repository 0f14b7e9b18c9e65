export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'vae-playground-theme';

/** Light or dark: the saved choice, else the system's; applied as data-theme on <html>. */
export class ThemeState {
  #theme = $state<Theme>('light');

  constructor() {
    let saved: string | null = null;
    try {
      saved = localStorage.getItem(STORAGE_KEY);
    } catch {
      // Storage can be blocked; fall back to the system preference.
    }
    const system = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
    this.#theme = saved === 'dark' || saved === 'light' ? saved : system;
    this.#apply();
  }

  get theme(): Theme {
    return this.#theme;
  }

  toggle(): void {
    this.#theme = this.#theme === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(STORAGE_KEY, this.#theme);
    } catch {
      // Not saved; still applies for this visit.
    }
    this.#apply();
  }

  #apply(): void {
    document.documentElement.dataset.theme = this.#theme;
  }
}
