import { serializeConfig, type ParsedConfig } from '../../config/url';
import type { PlaygroundConfig } from '../../config/types';

/**
 * Uploaded images live only in the tab that read them: a link cannot carry
 * them. A link asking for them opens on MNIST with a message, and Copy link
 * writes MNIST in their place and says so.
 */
export const CUSTOM_LINK_MESSAGE = 'This link asks for uploaded images, which cannot travel in a link: it opens with MNIST instead. Add your own files under “Your data” to train on them.';
export const CUSTOM_COPY_NOTE = 'Your uploaded images cannot travel in a link: it opens with MNIST.';

/** A parsed link with `data=custom` and no uploaded set to use: MNIST, and a message saying why. */
export function withoutUpload(parsed: ParsedConfig, hasUpload: boolean): ParsedConfig {
  if (parsed.config.data !== 'custom' || hasUpload) return parsed;
  return {
    config: { ...parsed.config, data: 'mnist' },
    messages: [...parsed.messages, { key: 'data', problem: 'not shareable', used: 'mnist', text: CUSTOM_LINK_MESSAGE }],
  };
}

/** The query a shared link carries, with the built-in data in place of an upload, and a note when that happened. */
export function shareableQuery(config: PlaygroundConfig): { query: string; note: string | null } {
  if (config.data !== 'custom') return { query: serializeConfig(config), note: null };
  return { query: serializeConfig({ ...config, data: 'mnist' }), note: CUSTOM_COPY_NOTE };
}
