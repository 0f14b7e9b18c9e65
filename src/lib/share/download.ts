/** Saves generated content as a file through a temporary link (the only portable way in browsers). */

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke later: some browsers start reading the blob only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(name: string, text: string, type: string): void {
  downloadBlob(name, new Blob([text], { type }));
}

/** A `data:` URL (what canvas.toDataURL gives) as a download. */
export async function downloadDataUrl(name: string, dataUrl: string): Promise<void> {
  const blob = await (await fetch(dataUrl)).blob();
  downloadBlob(name, blob);
}
