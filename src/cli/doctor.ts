// `gatepass doctor`: one line per check (configuration, store, mail); exit 1 when any fails.

import type { Command } from 'commander';
import { runDoctor } from '../services/doctor.js';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check the configuration, the store (reachable, migrations current) and the mail settings (the SMTP server answers), one line each; exits 1 when a check fails',
    )
    .action(async () => {
      const lines = await runDoctor(process.env);
      for (const l of lines) process.stdout.write(`${l.ok ? 'ok  ' : 'FAIL'} ${l.check}: ${l.text}\n`);
      if (lines.some((l) => !l.ok)) process.exitCode = 1;
    });
}
