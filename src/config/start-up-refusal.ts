import { ConfigurationError } from './configuration-error';

/**
 * The one line a start that cannot go on prints before it exits 1: a mistake in the environment as
 * it was found, anything else (a busy data directory, an unusable database) as a failed start whose
 * message names the cause. Never a stack.
 */
export function startUpRefusal(error: unknown): string {
  if (error instanceof ConfigurationError) return error.message;
  return `Start-up failed: ${error instanceof Error ? error.message : String(error)}`;
}
