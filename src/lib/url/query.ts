/**
 * Reading and writing the app's links (the playground's settings and the lab's state). Links are untrusted
 * input: reading never throws, never touches prototypes, caps every size, and every value it cannot use as
 * written gets one message naming the key, what was wrong and the value used instead.
 *
 * Both pages use these caps and these sentences, so a link behaves the same wherever it points.
 */

/** Longest query read; the rest is ignored (with a message). Real links are a few hundred characters. */
export const MAX_QUERY_LENGTH = 2000;
/** Most `key=value` pairs read from one link; both pages have fewer than 25 settings. */
export const MAX_PARAMS = 50;
/** Longest single value read; a longer one is rejected as a whole. */
export const MAX_VALUE_LENGTH = 200;
/** Longest piece of a link echoed back in a message. */
const ECHO_LENGTH = 40;

export type LinkProblem =
  | 'empty'
  | 'too long'
  | 'not a number'
  | 'not finite'
  | 'not an integer'
  | 'out of range'
  | 'unknown option'
  | 'bad item'
  | 'too few items'
  | 'too many items'
  | 'normalised'
  | 'mismatch'
  | 'pad conflict'
  | 'unknown key'
  | 'duplicate'
  | 'query too long'
  | 'too many settings'
  | 'unreadable'
  /** A value that only means something in the tab that set it (uploaded data). */
  | 'not shareable';

export interface LinkMessage {
  /** The URL key concerned; '' for problems with the link as a whole. */
  key: string;
  problem: LinkProblem;
  /** The value used instead, as it would appear in a link; '' when the key is ignored. */
  used: string;
  /** A complete sentence for people. */
  text: string;
}

/** How one page reads its keys: `fieldFor` must be a Map lookup (never an object's `in`). */
export interface LinkReader<F> {
  fieldFor(key: string): F | undefined;
  /** Checks `raw` and stores the value it settles on; returns a message when `raw` was not used as written. */
  apply(field: F, raw: string): LinkMessage | null;
  /** The value currently stored for `field`, as written in a link (for the duplicate message). */
  current(field: F): string;
}

/**
 * Reads a query (with or without '?') into whatever `reader` stores. Returns the keys the link gave and
 * the messages, in link order. Never throws.
 */
export function readLink<F extends { key: string }>(search: unknown, reader: LinkReader<F>): { given: Set<string>; messages: LinkMessage[] } {
  const messages: LinkMessage[] = [];
  const given = new Set<string>();
  const unknown = new Set<string>();
  try {
    for (const [key, raw] of readParams(typeof search === 'string' ? search : '', messages)) {
      const field = reader.fieldFor(key);
      if (!field) {
        if (!unknown.has(key)) messages.push({ key, problem: 'unknown key', used: '', text: `${quote(key)} is not a setting on this page; ignoring it.` });
        unknown.add(key);
      } else if (given.has(field.key)) {
        const used = reader.current(field);
        const text = `${quote(field.key)} appears more than once; ignoring the repeat ${quote(raw)} and using ${used}.`;
        messages.push({ key: field.key, problem: 'duplicate', used, text });
      } else {
        given.add(field.key);
        const message = reader.apply(field, raw);
        if (message) messages.push(message);
      }
    }
  } catch {
    // Defensive only: readers validate every value before storing it.
    messages.push({ key: '', problem: 'unreadable', used: '', text: 'Part of the link could not be read and was ignored.' });
  }
  return { given, messages };
}

/** The message for a value not used as written: `"key": why; using used.` */
export function valueMessage(key: string, problem: LinkProblem, why: string, used: string): LinkMessage {
  return { key, problem, used, text: `${quote(key)}: ${why}; using ${used}.` };
}

/** A link's query from `key=value` pairs already written as text; commas stay readable (hidden=512,256). */
export function writeLink(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([key, value]) => `${key}=${encodeURIComponent(value).replace(/%2C/g, ',')}`).join('&');
}

/** Quotes untrusted text for a message, cut to a readable length (by code point, not UTF-16 unit). */
export function quote(text: string): string {
  const chars = Array.from(text);
  return JSON.stringify(chars.length > ECHO_LENGTH ? `${chars.slice(0, ECHO_LENGTH).join('')}…` : text);
}

function readParams(search: string, messages: LinkMessage[]): [string, string][] {
  let query = search.startsWith('?') ? search.slice(1) : search;
  if (query.length > MAX_QUERY_LENGTH) {
    const text = `The link's settings are ${query.length} characters long (limit ${MAX_QUERY_LENGTH}); everything after the first ${MAX_QUERY_LENGTH} was ignored.`;
    messages.push({ key: '', problem: 'query too long', used: '', text });
    // Drop the parameter cut in half too, rather than apply a truncated value.
    const cutCleanly = query[MAX_QUERY_LENGTH] === '&';
    query = query.slice(0, MAX_QUERY_LENGTH);
    if (!cutCleanly) query = query.slice(0, Math.max(0, query.lastIndexOf('&')));
  }
  // URLSearchParams leaves malformed % escapes as they are instead of throwing.
  const params = [...new URLSearchParams(query)];
  if (params.length > MAX_PARAMS) {
    const text = `The link has ${params.length} settings (limit ${MAX_PARAMS}); everything after the first ${MAX_PARAMS} was ignored.`;
    messages.push({ key: '', problem: 'too many settings', used: '', text });
  }
  return params.slice(0, MAX_PARAMS);
}
