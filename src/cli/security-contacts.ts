// `gatepass security-contacts show|set`: the tenant's security contacts (Graph organization
// .securityComplianceNotificationMails), mailed when a user says "This wasn't me" about a Temporary Access Pass.

import type { Command } from 'commander';
import { listSecurityContacts, setSecurityContacts } from '../services/security-contacts.js';
import { act } from './command.js';

const text = (list: string[]) =>
  list.length > 0 ? `Security contacts: ${list.join(', ')}` : 'No security contacts: disputes are only audited.';

export function registerSecurityContactCommands(program: Command): void {
  const contacts = program
    .command('security-contacts')
    .description('Who is mailed when a user disputes a Temporary Access Pass ("This wasn\'t me")');
  contacts
    .command('show')
    .description('List the security contacts')
    .action(
      act(async (s) => {
        const list = await listSecurityContacts(await s.deps());
        return { json: { securityComplianceNotificationMails: list }, text: text(list) };
      }),
    );
  contacts
    .command('set')
    .description('Replace the security contacts (no address: none)')
    .argument('[address...]', 'email addresses')
    .action(
      act(async (s, args) => {
        const list = await setSecurityContacts(await s.deps(), s.ctx, args.flat());
        return { json: { securityComplianceNotificationMails: list }, text: text(list) };
      }),
    );
}
