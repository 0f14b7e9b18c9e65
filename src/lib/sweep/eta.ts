/**
 * Time left in a sweep from its measured speed: steps done so far over the
 * time they took (model building and evaluations included), applied to the
 * steps still to go. Null until there is enough to measure.
 */
export function secondsLeft(stepsDone: number, stepsTotal: number, elapsedMs: number): number | null {
  if (stepsDone <= 0 || elapsedMs < 500) return null;
  return ((stepsTotal - stepsDone) * elapsedMs) / stepsDone / 1000;
}

/** "about 1 min 20 s left", "about 40 s left", "a few seconds left". */
export function formatTimeLeft(seconds: number | null): string {
  if (seconds === null) return 'measuring the speed…';
  if (seconds < 5) return 'a few seconds left';
  if (seconds < 60) return `about ${Math.round(seconds / 5) * 5 || 5} s left`;
  const total = Math.round(seconds / 10) * 10;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  if (hours > 0) return `about ${hours} h ${minutes} min left`;
  return secs > 0 ? `about ${minutes} min ${secs} s left` : `about ${minutes} min left`;
}
