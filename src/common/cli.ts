/** A wrong invocation of an admin command: the usage text follows, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A clear refusal of an operator's request: one message, exit code 1, no stack, nothing changed. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}
