import { UsageError } from '../common/cli';
import { runAdminCommand } from './database-target';
import type { CliProgram } from './run-cli';

const USAGE = `usage: npm run migration:run     apply pending migrations (through the running service on the embedded database)`;

export const migrationProgram: CliProgram = {
  usage: USAGE,
  async run([command], settings, _env, output) {
    if (command !== 'run') throw new UsageError(command ? `unknown command "${command}"` : 'no command');
    const { lines } = await runAdminCommand(settings, { command: 'migration.run' }, output);
    for (const line of lines) output.log(line);
  },
};
