import { CommandError, UsageError } from '../common/cli';
import { ConfigurationError, deriveSettings, Environment, parseEnvironment, Settings } from '../config';

/** Where a command's lines go: stdout for what it did, stderr for what went wrong or was noticed on the way. */
export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
}

/** One admin program (`keys`, `profiles`, ...): its usage text and what it does with its arguments. */
export interface CliProgram {
  usage: string;
  run(args: string[], settings: Settings, env: Environment, output: CliOutput): Promise<void>;
}

/** How a program's failure ends the command: exit code 2 with the usage for a wrong invocation, else 1 with one line. */
export function failureOf(error: unknown, usage: string): { code: 1 | 2; message: string } {
  if (error instanceof UsageError) return { code: 2, message: `${error.message}\n${usage}` };
  if (error instanceof CommandError || error instanceof ConfigurationError) return { code: 1, message: error.message };
  return { code: 1, message: `failed: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * Runs a program to its end: the raw environment parsed and validated exactly as `npm start` does,
 * then the program, its outcome turned into an exit code and messages an operator can act on:
 * 0 done, 1 refused or failed (one line, no stack), 2 wrong invocation.
 */
export async function runProgram(
  programs: Record<string, CliProgram>,
  [name, ...args]: string[],
  raw: Record<string, string | undefined>,
  output: CliOutput,
): Promise<0 | 1 | 2> {
  const program = name ? programs[name] : undefined;
  try {
    if (!program) throw new UsageError(name ? `unknown program "${name}"` : 'no program');
    const env = parseEnvironment(raw);
    await program.run(args, deriveSettings(env), env, output);
    return 0;
  } catch (error) {
    const { code, message } = failureOf(error, program?.usage ?? `programs: ${Object.keys(programs).join(', ')}`);
    output.error(message);
    return code;
  }
}

/** The one entry of every admin command: the process's environment (with `.env`), its output on the console. */
export function runCli(programs: Record<string, CliProgram>, argv: string[]): void {
  void runProgram(programs, argv, process.env, console).then((code) => process.exit(code));
}
