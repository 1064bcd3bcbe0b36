// "This wasn't me" (issue 14, item 4): the user's verified notification email (Graph emailAuthenticationMethod), the
// mail outbox a sender drains with retries, the notices with their single-use dispute links, and the tenant's
// security contacts (Graph organization.securityComplianceNotificationMails).

import type { Kysely } from 'kysely';

// Migrations must not depend on today's schema types: they describe the past.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_methods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // One notification address per user, as in Entra.
    .addColumn('user_id', 'text', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
    .addColumn('email_address', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // pass_issued | pass_first_used | pass_disputed
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    // The text body sealed under the keyring (it holds the dispute link): a copied database opens no link.
    .addColumn('sealed_body', 'text', (c) => c.notNull())
    // The pass (and its holder) whose audit trail records the delivery; the pass row itself may be gone by then.
    .addColumn('pass_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // A claimed row is pushed forward by a lease, so a sender that dies mid-send leaves it to be retried.
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('mail_outbox_due').on('mail_outbox').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('pass_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Keyed hash of the dispute link's random token; the token itself is only in the (sealed) mail.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // No foreign key: the notice outlives the pass (a dispute after expiry or revocation still works).
    .addColumn('pass_id', 'text', (c) => c.notNull())
    // issued | first_used
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('issuer_display_name', 'text', (c) => c.notNull())
    .addColumn('issuer_role', 'text', (c) => c.notNull())
    .addColumn('pass_start_at', 'bigint', (c) => c.notNull())
    .addColumn('pass_end_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    // Set once, by the single use of the link (or the button on /my).
    .addColumn('disputed_at', 'bigint')
    .execute();
  await db.schema.createIndex('pass_notices_user').on('pass_notices').column('user_id').execute();

  await db.schema
    .alterTable('tenants')
    // JSON array of addresses.
    .addColumn('security_compliance_notification_mails', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}
