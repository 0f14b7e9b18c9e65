/**
 * Which pages are open, through the Web Locks API: each page holds a lock named
 * after its id for as long as it lives (the browser releases it when the page
 * goes away, even if it crashes), and any page can list the locks held.
 * Without the API no page is known to be open, so every saved run is offered.
 */

const PREFIX = 'vae-playground-page:';

/** A fresh id for this page load (a reload is a new page: it never overwrites the run it offers). */
export function newPageId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function holdPresence(id: string): void {
  // Never resolves: the lock lasts as long as the page.
  navigator.locks?.request(PREFIX + id, () => new Promise<never>(() => {})).catch(() => {});
}

export async function openPageIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  if (!navigator.locks) return ids;
  const { held = [] } = await navigator.locks.query();
  for (const lock of held) if (lock.name?.startsWith(PREFIX)) ids.add(lock.name.slice(PREFIX.length));
  return ids;
}
