/**
 * Errors the user can act on. `InputError` means "your file or your arguments are wrong":
 * hosts map it to exit code 2 (CLI) or a readable message (app). Anything else is a bug or a
 * runtime failure (exit code 1).
 */
export class InputError extends Error {
  /** The file (or argument) the problem is about; printed first so the user knows where to look. */
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'InputError';
    this.file = file;
  }
}

/** Thrown by a stage when its cancellation token fires. Not an error the user caused. */
export class CancelledError extends Error {
  constructor(stage: string) {
    super(`cancelled during ${stage}`);
    this.name = 'CancelledError';
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
