import { CommandError, UsageError } from '../common/cli';
import { ConfigurationError, deriveSettings, Environment, readEnvironment, Settings } from '../config';

/** One admin program (`keys`, `profiles`, ...): its usage text and what it does with its arguments. */
export interface CliProgram {
  usage: string;
  run(args: string[], settings: Settings, env: Environment): Promise<void>;
}

/**
 * The one entry of every admin command: the environment (with `.env`) parsed and validated exactly
 * as `npm start` does, then the program, its outcome turned into an exit code and messages an
 * operator can act on: 0 done, 1 refused or failed (one line, no stack), 2 wrong invocation.
 */
export function runCli(programs: Record<string, CliProgram>, [name, ...args]: string[]): void {
  const program = name ? programs[name] : undefined;
  const run = async () => {
    if (!program) throw new UsageError(name ? `unknown program "${name}"` : 'no program');
    const env = readEnvironment();
    await program.run(args, deriveSettings(env), env);
  };
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${error.message}\n${program?.usage ?? `programs: ${Object.keys(programs).join(', ')}`}`);
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
