// What the operator reads on the first start: how the first Global Administrator will onboard.
// Printed to stderr as a banner, outside the structured log.

import { formatPassForDisplay, PASS_DISPLAY_NOTE } from './domain/tap/code.js';
import type { Runtime } from './runtime.js';

export async function printFirstStartBanner(runtime: Runtime): Promise<void> {
  const admin = runtime.firstStart.createdAdmin;
  if (!admin) return;
  const { config } = runtime.deps;
  const pass = runtime.firstAdminPass;
  const lines = [
    '',
    '================================================================================',
    ' Gatepass first start',
    ` Tenant created with domain(s): ${config.domains.join(', ')}`,
    ` Global Administrator: ${admin.userPrincipalName} (no password, no methods yet)`,
    '',
    ' The administrator onboards with a Temporary Access Pass, like every user:',
    ...(pass
      ? [
          `   Temporary Access Pass: ${formatPassForDisplay(pass.temporaryAccessPass)}`,
          `   One-time, valid until ${pass.endsAt.toISOString()}. ${PASS_DISPLAY_NOTE}`,
          `   Sign in at ${config.issuer}/my/security-info and, within 10 minutes, add an authenticator app or a passkey.`,
        ]
      : [`   (no pass could be issued: run \`npx gatepass tap create ${admin.userPrincipalName}\`)`]),
    ` Lost it? \`npx gatepass tap create ${admin.userPrincipalName}\` prints a new one.`,
    ' Everything can also be managed with the CLI, for example:',
    '   npx gatepass user list',
    '   npx gatepass app create --name "Automation" --permission User.ReadWrite.All',
    config.smtpUrl
      ? ''
      : ' Mail: GATEPASS_SMTP_URL is not set, so "This wasn\'t me" notices are shown on /my only (`gatepass doctor` checks).',
    runtime.createdKeyFile ? ` Server key created at ${runtime.createdKeyFile} — back it up; backups need it.` : '',
    '================================================================================',
    '',
  ].filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1 || all[i - 1] !== '');
  process.stderr.write(`${lines.join('\n')}\n`);
}
