import { UsageError } from '../common/cli';
import { runAdminCommand } from './database-target';
import type { CliProgram } from './run-cli';

const USAGE = `usage: npm run migration:run     apply pending migrations (through the running service on the embedded database)`;

export const migrationProgram: CliProgram = {
  usage: USAGE,
  async run([command], settings) {
    if (command !== 'run') throw new UsageError(command ? `unknown command "${command}"` : 'no command');
    const { lines } = await runAdminCommand(settings, { command: 'migration.run' });
    for (const line of lines) console.log(line);
  },
};
