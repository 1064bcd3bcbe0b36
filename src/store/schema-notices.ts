// Row types of the "This wasn't me" tables (migration 0019), beside schema.ts, which joins them into Database.

import type { Generated } from 'kysely';

/** A verified notification address (Graph emailAuthenticationMethod; migration 0019). */
export interface EmailMethodsTable {
  id: string;
  user_id: string;
  email_address: string;
  created_at: number;
}

/** A notification email a user is adding from Security info, until its mailed code comes back (migration 0021). */
export interface EmailVerificationsTable {
  user_id: string;
  email_address: string;
  code_hash: string;
  expires_at: number;
  failed_attempts: Generated<number>;
  codes_sent: Generated<number>;
  window_started_at: number;
}

/** Mail waiting to be sent, sent, or given up on (migration 0019). */
export interface MailOutboxTable {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  sealed_body: string;
  pass_id: string | null;
  user_id: string | null;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

/** A "This wasn't me" notice and its single-use dispute link (migration 0019). */
export interface PassNoticesTable {
  id: string;
  token_hash: string;
  user_id: string;
  pass_id: string;
  kind: string;
  issuer_display_name: string;
  issuer_role: string;
  pass_start_at: number;
  pass_end_at: number;
  created_at: number;
  expires_at: number;
  disputed_at: number | null;
}
