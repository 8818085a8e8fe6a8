// The one entry of the admin commands: `.env` and the environment are read exactly as by `npm start`.
import '../process-environment';
import 'reflect-metadata';
import { clientsProgram } from './clients.command';
import { demoProgram } from './demo.command';
import { keysProgram } from './keys.command';
import { migrationProgram } from './migration.command';
import { profilesProgram } from './profiles.command';
import { runCli } from './run-cli';

runCli(
  { clients: clientsProgram, keys: keysProgram, profiles: profilesProgram, migration: migrationProgram, demo: demoProgram },
  process.argv.slice(2),
);
