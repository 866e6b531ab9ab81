// The engine's two kinds of failure, both structured so a handler or a run maps them without
// parsing text: bad input (→ 400 naming the field) and a refusal or error on the target
// (→ the run's error code). Neither carries the target server's own message text.

/** The patch as written is not acceptable; `field` is the request field to name ('where', 'set.price', 'table'…). */
export class PatchInputError extends Error {
  constructor(
    readonly field: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PatchInputError';
  }

  toJSON(): { field: string; code: string; message: string } {
    return { field: this.field, code: this.code, message: this.message };
  }
}

/**
 * The target refused or failed the statement, or a guard stopped it. `code` is stable
 * (ROW_COUNT_GUARD, CONSTRAINT_VIOLATION, TRIGGER_ERROR…); `details` holds only what we can
 * name safely (a constraint or column name, the SQLSTATE, counts), never the server's text.
 */
export class PatchRunError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PatchRunError';
  }

  toJSON(): { code: string; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}
