/**
 * Limits on what "Your own data" reads. They keep the page responsive and its
 * memory bounded; the UI and the README state them.
 */
export const UPLOAD_CAPS = Object.freeze({
  /** Images (or CSV rows) in one set. */
  maxImages: 5000,
  /** Files picked or dropped at once, and entries inside one zip. */
  maxFiles: 5000,
  /** Bytes of all picked files together, as stored on disk. */
  maxInputBytes: 50 * 1024 * 1024,
  /** Bytes of everything inside a zip once unpacked. */
  maxInflatedBytes: 200 * 1024 * 1024,
  /** Bytes of one image once unpacked. */
  maxImageBytes: 20 * 1024 * 1024,
  /** Fewest images (or points) that make a set (80/20 split leaves 2 test rows). */
  minImages: 10,
  /** Points in one CSV of x,y rows. */
  maxPoints: 100_000,
  /** Most classes (labels are stored as one byte). */
  maxClasses: 100,
});

const MB = 1024 * 1024;

/** The caps in words, for the UI and error messages. */
export function capsText(): string {
  const c = UPLOAD_CAPS;
  return `${c.minImages} to ${c.maxImages.toLocaleString('en')} images or ${c.maxPoints.toLocaleString('en')} points, at most ${c.maxFiles.toLocaleString('en')} files and ${c.maxInputBytes / MB} MB in all, ${c.maxInflatedBytes / MB} MB once a zip is unpacked, ${c.maxClasses} classes`;
}

/** A size in words: "980 KB", "1.5 MB", "300 MB". */
export function megabytes(bytes: number): string {
  if (bytes < MB) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}
