import { UPLOAD_CAPS } from './caps';

/** The class given to images that carry no label. */
export const UNLABELLED = 'all';

/** Collects class names in order of first appearance and gives each image its index. */
export class LabelTable {
  readonly names: string[] = [];
  readonly #index = new Map<string, number>();

  /** The index of `name`, adding it if new; null once there would be too many classes. */
  add(name: string): number | null {
    const known = this.#index.get(name);
    if (known !== undefined) return known;
    if (this.names.length >= UPLOAD_CAPS.maxClasses) return null;
    this.#index.set(name, this.names.length);
    this.names.push(name);
    return this.names.length - 1;
  }
}

/** Inside a zip the folder holding an image names its class ("cats/01.png" → "cats"); top-level images are "all". */
export function zipLabel(path: string): string {
  const parts = path.split('/').filter((p) => p.length > 0);
  return parts.length >= 2 ? parts[parts.length - 2] : UNLABELLED;
}

/**
 * Loose files are labelled by the part of their name before the first "_"
 * ("cat_01.png" → "cat") when every file has one; otherwise all are "all".
 */
export function looseLabels(names: readonly string[]): string[] {
  const prefixes = names.map((n) => {
    const cut = n.indexOf('_');
    return cut > 0 ? n.slice(0, cut) : null;
  });
  return prefixes.every((p) => p !== null) ? (prefixes as string[]) : names.map(() => UNLABELLED);
}

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'];

export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Files a zip tool adds that are not part of the data (macOS resource forks, hidden files). */
export function isJunkPath(path: string): boolean {
  return path.split('/').some((p) => p === '__MACOSX' || (p.startsWith('.') && p.length > 1));
}
