export type View = 'playground' | 'learn';

/** /learn, /learn/ and /learn/index.html (the static build's file) all open the lab. */
export function viewFromPath(pathname: string): View {
  return /\/learn(\/(index\.html)?)?$/.test(pathname) ? 'learn' : 'playground';
}

/** The app's base path: where index.html lives, so links work under any static host folder. */
export function basePath(pathname: string): string {
  return pathname.replace(/learn(\/(index\.html)?)?$/, '').replace(/index\.html$/, '');
}

/**
 * Client-side switch between the playground and the lab, so training keeps
 * running while the user reads. Each view keeps its own query string.
 */
export class Router {
  #view = $state<View>(viewFromPath(location.pathname));
  readonly base = basePath(location.pathname);
  #queries: Record<View, string> = { playground: '', learn: '' };

  constructor() {
    this.#queries[this.#view] = location.search;
    addEventListener('popstate', () => {
      this.#view = viewFromPath(location.pathname);
    });
  }

  get view(): View {
    return this.#view;
  }

  href(view: View): string {
    return view === 'learn' ? `${this.base}learn/` : this.base;
  }

  go(view: View, query?: string): void {
    if (view === this.#view && query === undefined) return;
    this.#queries[this.#view] = location.search;
    const search = query !== undefined ? (query ? `?${query.replace(/^\?/, '')}` : '') : this.#queries[view];
    history.pushState(null, '', `${this.href(view)}${search}`);
    this.#view = view;
    scrollTo({ top: 0 });
  }
}
