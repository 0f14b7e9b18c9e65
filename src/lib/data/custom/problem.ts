/** Something wrong with an uploaded file: which file (and line), and what. */
export interface UploadProblem {
  file: string;
  line?: number;
  message: string;
}

/** Thrown by the readers; carries the problem so the UI can list it. */
export class UploadError extends Error {
  override name = 'UploadError';
  readonly problem: UploadProblem;
  constructor(problem: UploadProblem) {
    super(problemText(problem));
    this.problem = problem;
  }
}

export function problemText(p: UploadProblem): string {
  return `${p.file}${p.line !== undefined ? `, line ${p.line}` : ''}: ${p.message}`;
}
