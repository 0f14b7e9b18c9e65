import type { Action } from 'svelte/action';

/**
 * A box that scrolls sideways (a wide formula or table on a narrow screen) must
 * be reachable from the keyboard: while its content overflows it is a named,
 * focusable group (a group, not a region: a page may hold many, and landmarks
 * need unique names) whose arrow keys scroll it; otherwise it stays out of the
 * tab order, so wide screens get no empty tab stops.
 */
export const scrollFocus: Action<HTMLElement, string> = (node, label) => {
  let name = label;
  const update = () => {
    if (node.scrollWidth > node.clientWidth) {
      node.tabIndex = 0;
      node.setAttribute('role', 'group');
      node.setAttribute('aria-label', `${name} (scrolls sideways)`);
    } else {
      node.removeAttribute('tabindex');
      node.removeAttribute('role');
      node.removeAttribute('aria-label');
    }
  };
  // The box resizing, its content changing (new rows) or web fonts arriving (KaTeX's widen formulas) can each
  // start or end the overflow.
  const resized = new ResizeObserver(update);
  resized.observe(node);
  const changed = new MutationObserver(update);
  changed.observe(node, { childList: true, subtree: true, characterData: true });
  document.fonts.addEventListener('loadingdone', update);
  void document.fonts.ready.then(update);
  update();
  return {
    update(next) {
      name = next;
      update();
    },
    destroy() {
      resized.disconnect();
      changed.disconnect();
      document.fonts.removeEventListener('loadingdone', update);
    },
  };
};
