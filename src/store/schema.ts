// Row types of every table. Times are epoch milliseconds (bigint), booleans 0/1 integers, JSON is text:
// the same representation on SQLite and PostgreSQL, so one set of repository code serves both.

import type { Generated } from 'kysely';
import type {
  EmailMethodsTable,
  EmailVerificationsTable,
  MailOutboxTable,
  PassNoticesTable,
} from './schema-notices.js';

export interface TenantsTable {
  id: string;
  display_name: string;
  created_at: number;
  /** JSON array: Graph organization.securityComplianceNotificationMails (migration 0019). */
  security_compliance_notification_mails: Generated<string>;
}

export interface TenantDomainsTable {
  name: string;
  tenant_id: string;
  is_default: number;
  created_at: number;
}

export interface KeyChecksTable {
  key_id: string;
  check_value: string;
  created_at: number;
}

export interface UsersTable {
  id: string;
  user_principal_name: string;
  display_name: string;
  mail_nickname: string;
  given_name: string | null;
  surname: string | null;
  job_title: string | null;
  mail: string | null;
  user_type: string;
  account_enabled: number;
  password_hash: string | null;
  password_changed_at: number | null;
  force_change_password: number;
  /** Tokens and sessions issued before this instant are void (Graph's signInSessionsValidFromDateTime). */
  sessions_valid_from: number;
  created_at: number;
  updated_at: number;
  /** WebAuthn user.id (base64url of 32 random bytes), made at the first passkey registration (migration 0005). */
  webauthn_user_handle: Generated<string | null>;
}

export interface GroupsTable {
  id: string;
  display_name: string;
  description: string | null;
  mail_nickname: string;
  security_enabled: number;
  mail_enabled: number;
  created_at: number;
}

export interface GroupMembersTable {
  group_id: string;
  member_id: string;
  created_at: number;
}

export interface AdministrativeUnitsTable {
  id: string;
  display_name: string;
  description: string | null;
  visibility: string | null;
  created_at: number;
}

export interface AdministrativeUnitMembersTable {
  unit_id: string;
  member_id: string;
  created_at: number;
}

export interface RoleAssignmentsTable {
  id: string;
  principal_id: string;
  role_definition_id: string;
  directory_scope_id: string;
  created_at: number;
}

/** A custom directory role; built-in roles are data (src/domain/authz/permissions.ts). */
export interface RoleDefinitionsTable {
  id: string;
  display_name: string;
  description: string | null;
  is_enabled: number;
  /** JSON array of action strings. */
  allowed_resource_actions: string;
  version: string;
  created_at: number;
}

/** A tenant-wide delegated permission grant (Graph's oauth2PermissionGrant, consentType AllPrincipals). */
export interface OAuth2PermissionGrantsTable {
  id: string;
  /** applications.service_principal_id of the client */
  client_id: string;
  /** 'AllPrincipals' */
  consent_type: string;
  /** The resource's service principal: Microsoft Graph. */
  resource_id: string;
  /** Space-separated delegated permission names. */
  scope: string;
  created_at: number;
}

/** A directory role held by an application's service principal (same shape as role_assignments). */
export interface ServicePrincipalRoleAssignmentsTable {
  id: string;
  /** applications.service_principal_id */
  principal_id: string;
  role_definition_id: string;
  directory_scope_id: string;
  created_at: number;
}

export interface ApplicationsTable {
  /** Object id of the application. */
  id: string;
  /** The client id. */
  app_id: string;
  display_name: string;
  /** 'daemon' (client credentials), 'web' (authorization code + PKCE) or 'builtin' (Gatepass's own /my and /admin). */
  kind: string;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  /** JSON array of Graph application permissions, e.g. ["User.Read.All"]. */
  permissions: string;
  require_consent: number;
  service_principal_id: string;
  created_at: number;
  updated_at: number;
}

export interface ApplicationSecretsTable {
  /** keyId of Graph's passwordCredential. */
  id: string;
  application_id: string;
  /** Keyed hash of the secret (a machine secret of 256 random bits). */
  secret_hash: string;
  hint: string;
  display_name: string | null;
  start_at: number;
  end_at: number;
  created_at: number;
}

/** Counts of writes, kept by triggers (migration 0022): 'applications' counts applications and their secrets. */
export interface ChangeCountsTable {
  name: string;
  value: number;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  /** The private JWK, encrypted with the keyring. */
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  /** From when it signs; published before. Null for keys made before rotation existed: active from created_at. */
  activates_at: number | null;
  /** From when it no longer signs (its successor's activation); it verifies until the tokens it signed expire. */
  retired_at: number | null;
}

export interface ServerSecretsTable {
  name: string;
  /** Encrypted with the keyring. */
  value: string;
  created_at: number;
}

export interface OidcPayloadsTable {
  model: string;
  /** Keyed hash of the id (session id, code, refresh token…): the store never holds a usable id. */
  id_hash: string;
  /** The whole payload, encrypted with the keyring (it contains the id itself, e.g. as jti). */
  payload: string;
  grant_id_hash: string | null;
  uid_hash: string | null;
  user_code_hash: string | null;
  /** The user (accountId) it belongs to, so a user's sessions and tokens can be ended at once. */
  account_id: string | null;
  expires_at: number | null;
  consumed_at: number | null;
  /** 1 when the sign-in behind it used a Temporary Access Pass (its amr holds 'tap'). */
  via_tap: Generated<number>;
}

export interface PoliciesTable {
  id: string;
  value: string;
  version: number;
  updated_at: number;
}

export interface AuditEventsTable {
  id: string;
  activity_date_time: number;
  activity_display_name: string;
  category: string;
  correlation_id: string;
  logged_by_service: string;
  operation_type: string;
  result: string;
  result_reason: string;
  initiated_by: string;
  initiated_by_user_id: string | null;
  initiated_by_user_upn: string | null;
  initiated_by_app_id: string | null;
  target_resources: string;
  additional_details: string;
}

export interface AuditEventTargetsTable {
  event_id: string;
  position: number;
  target_id: string;
  target_type: string;
  display_name: string | null;
}

export interface SignInsTable {
  id: string;
  created_at: number;
  user_id: string | null;
  user_principal_name: string | null;
  user_display_name: string | null;
  app_id: string | null;
  app_display_name: string | null;
  ip_address: string | null;
  client_app_used: string;
  user_agent: string | null;
  correlation_id: string;
  is_interactive: number;
  /** 0 for success, otherwise an AADSTS-style code. */
  error_code: number;
  failure_reason: string | null;
  /** JSON array of the methods used, in order, each with its result. */
  methods: string;
  authentication_requirement: string;
  conditional_access_status: string;
}

export interface FailureCountersTable {
  key: string;
  failures: number;
  last_failure_at: number;
  expires_at: number;
}

/** Server-side sign-in interaction state (migration 0003). */
export interface SignInStatesTable {
  uid_hash: string;
  subject: string | null;
  user_id: string | null;
  login_name: string | null;
  facts: string;
  csrf_hash: string;
  status: string;
  created_at: number;
  expires_at: number;
  /** The user chose "Use your password instead" on the pass page. */
  prefer_password: Generated<number>;
  /** "Sign in another way": the method the user chose (migration 0005). */
  chosen_method: Generated<string | null>;
}

export interface TemporaryAccessPassesTable {
  id: string;
  user_id: string;
  /** argon2id with the pepper, like a password: the pass itself is never stored. */
  pass_hash: string;
  created_at: number;
  start_at: number;
  lifetime_minutes: number;
  is_usable_once: number;
  /** A one-time pass: when it was consumed. A multi-use pass: its last use. */
  used_at: number | null;
  /** Who issued it, for "this replaces the pass issued by X at Y" (JSON: {kind, id, displayName}). */
  issued_by: string;
  /** 'setup' or 'access' (TapPurpose). */
  purpose: string;
  /** A retry-tolerant one-time pass: its registration window in minutes, counted from used_at (its first use). */
  retry_window_minutes: number | null;
  /** When a registration used up a retry-tolerant pass. */
  used_up_at: number | null;
  /** When the holder reported the pass as not theirs ("This wasn't me"); null: never. */
  disputed_at: number | null;
}

/** An authenticator app (migration 0005). */
export interface SoftwareOathMethodsTable {
  id: string;
  user_id: string;
  secret_ciphertext: string;
  display_name: string;
  created_at: number;
  last_used_step: number | null;
  last_used_at: number | null;
}

/** A passkey (migration 0005). */
export interface Fido2MethodsTable {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  sign_count: number;
  display_name: string;
  aaguid: string;
  /** JSON array of WebAuthn transports. */
  transports: string;
  /** 'singleDevice' | 'multiDevice' (WebAuthn's credentialDeviceType). */
  device_type: string;
  backed_up: number;
  /** Graph's attestationLevel: 'attested' | 'notAttested'. */
  attestation_level: string;
  rp_id: string;
  created_at: number;
  last_used_at: number | null;
}

export interface WebauthnChallengesTable {
  challenge_hash: string;
  /** 'registration' | 'authentication'. */
  purpose: string;
  user_id: string | null;
  expires_at: number;
}

/** A /my session (migration 0009); times in epoch ms except auth_time (epoch seconds). */
export interface MySessionsTable {
  id_hash: string;
  user_id: string;
  /** JSON array of amr values. */
  amr: string;
  auth_time: number;
  pass_id: string | null;
  created_at: number;
  idle_expires_at: number;
  absolute_expires_at: number;
}

export interface Database {
  tenants: TenantsTable;
  tenant_domains: TenantDomainsTable;
  key_checks: KeyChecksTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  administrative_units: AdministrativeUnitsTable;
  administrative_unit_members: AdministrativeUnitMembersTable;
  role_assignments: RoleAssignmentsTable;
  role_definitions: RoleDefinitionsTable;
  service_principal_role_assignments: ServicePrincipalRoleAssignmentsTable;
  applications: ApplicationsTable;
  application_secrets: ApplicationSecretsTable;
  change_counts: ChangeCountsTable;
  signing_keys: SigningKeysTable;
  server_secrets: ServerSecretsTable;
  oidc_payloads: OidcPayloadsTable;
  policies: PoliciesTable;
  audit_events: AuditEventsTable;
  audit_event_targets: AuditEventTargetsTable;
  sign_ins: SignInsTable;
  failure_counters: FailureCountersTable;
  sign_in_states: SignInStatesTable;
  temporary_access_passes: TemporaryAccessPassesTable;
  software_oath_methods: SoftwareOathMethodsTable;
  fido2_methods: Fido2MethodsTable;
  webauthn_challenges: WebauthnChallengesTable;
  my_sessions: MySessionsTable;
  email_methods: EmailMethodsTable;
  email_verifications: EmailVerificationsTable;
  mail_outbox: MailOutboxTable;
  pass_notices: PassNoticesTable;
  oauth2_permission_grants: OAuth2PermissionGrantsTable;
}
