// The `gatepass` command tree: builds the commands, parses argv, and maps every failure to one stderr line and an
// exit code (see errors.ts). main.ts runs it; tests walk the tree to check the README documents every command.

import { randomUUID } from 'node:crypto';
import { Command, CommanderError } from 'commander';
import { registerAppCommands } from './apps.js';
import { registerBackupCommand } from './backup.js';
import { fail } from './command.js';
import { registerDoctorCommand } from './doctor.js';
import { registerSecurityContactCommands } from './security-contacts.js';
import { EXIT, CliError } from './errors.js';
import { registerGroupCommands } from './groups.js';
import { registerKeyCommands } from './keys.js';
import { registerUnitCommands } from './units.js';
import { registerMethodCommands } from './methods.js';
import { refusePasswordArgument } from './password-input.js';
import { registerPolicyCommands } from './policy.js';
import { registerRoleCommands } from './roles.js';
import { registerServeCommands } from './serve.js';
import { registerSessionCommands } from './sessions.js';
import { registerTapCommands } from './tap.js';
import { registerUserCommands } from './users.js';

export function buildProgram(): Command {
  const program = new Command('gatepass')
    .description(
      'Gatepass administration: runs on the same store and settings as the server (GATEPASS_DATA_DIR or DATABASE_URL), also while it runs',
    )
    .option('--json', 'print exactly one JSON object on stdout (the Graph shape) and nothing else')
    .exitOverride();
  registerServeCommands(program);
  registerUserCommands(program);
  registerGroupCommands(program);
  registerUnitCommands(program);
  registerRoleCommands(program);
  registerAppCommands(program);
  registerTapCommands(program);
  registerMethodCommands(program);
  registerSessionCommands(program);
  registerBackupCommand(program);
  registerKeyCommands(program);
  registerPolicyCommands(program);
  registerDoctorCommand(program);
  registerSecurityContactCommands(program);
  // Every subcommand reports usage errors through the same path as the program.
  const quiet = (cmd: Command): void => {
    cmd.exitOverride().configureOutput({ outputError: () => {} });
    cmd.commands.forEach(quiet);
  };
  quiet(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const failure = { json, correlationId: randomUUID() };
  try {
    refusePasswordArgument(argv.slice(2));
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return;
      if (e.code === 'commander.help' || e.code === 'commander.executeSubCommandAsync') {
        process.exitCode = EXIT.usage;
        return;
      }
      fail(failure, new CliError(`${e.message.replace(/^error: /, '')} (see --help)`, EXIT.usage, 'badArgument'));
      return;
    }
    fail(failure, e);
  }
}
