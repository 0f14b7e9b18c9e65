import { getContext, setContext } from 'svelte';
import type { PlaygroundState } from './playground.svelte';

const KEY = Symbol('playground');

export function providePlayground(state: PlaygroundState): PlaygroundState {
  return setContext(KEY, state);
}

export function usePlayground(): PlaygroundState {
  const state = getContext<PlaygroundState | undefined>(KEY);
  if (!state) throw new Error('usePlayground() outside the playground');
  return state;
}
