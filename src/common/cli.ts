import { ConfigurationError } from '../config';

/** A wrong invocation: the usage text follows, exit code 2. */
export class UsageError extends Error {}

/** A clear refusal of the operator's request: one message, exit code 1, no stack. */
export class CommandError extends Error {}

/** Runs a CLI's main and turns its outcome into an exit code and messages an operator can act on. */
export function runCli(main: (args: string[]) => Promise<void>, usage: string): void {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${error.message}\n${usage}`);
        process.exit(2);
      }
      if (error instanceof CommandError || error instanceof ConfigurationError) {
        console.error(error.message);
        process.exit(1);
      }
      console.error(`failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
