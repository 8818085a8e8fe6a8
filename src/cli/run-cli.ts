import { CommandError, UsageError } from '../common/cli';
import { ConfigurationError, deriveSettings, Environment, readEnvironment, Settings } from '../config';

/** One admin program (`keys`, `profiles`, ...): its usage text and what it does with its arguments. */
export interface CliProgram {
  usage: string;
  run(args: string[], settings: Settings, env: Environment): Promise<void>;
}

/** How a program's failure ends the command: exit code 2 with the usage for a wrong invocation, else 1 with one line. */
export function failureOf(error: unknown, usage: string): { code: 1 | 2; message: string } {
  if (error instanceof UsageError) return { code: 2, message: `${error.message}\n${usage}` };
  if (error instanceof CommandError || error instanceof ConfigurationError) return { code: 1, message: error.message };
  return { code: 1, message: `failed: ${error instanceof Error ? error.message : String(error)}` };
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
      const { code, message } = failureOf(error, program?.usage ?? `programs: ${Object.keys(programs).join(', ')}`);
      console.error(message);
      process.exit(code);
    },
  );
}
