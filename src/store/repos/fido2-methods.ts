// Passkeys (WebAuthn credentials). The public key is not a secret; the counter moves forward in one conditional update.

import type { Selectable } from 'kysely';
import { bool, int, type DbOrTx } from '../db.js';
import { prepared, rowLimit } from '../prepared.js';
import type { Fido2MethodsTable } from '../schema.js';

export interface Fido2MethodRecord {
  id: string;
  userId: string;
  /** base64url */
  credentialId: string;
  /** base64url of the COSE public key */
  publicKey: string;
  signCount: number;
  displayName: string;
  aaguid: string;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  attestationLevel: 'attested' | 'notAttested';
  rpId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

function toRecord(r: Selectable<Fido2MethodsTable>): Fido2MethodRecord {
  return {
    id: r.id,
    userId: r.user_id,
    credentialId: r.credential_id,
    publicKey: r.public_key,
    signCount: Number(r.sign_count),
    displayName: r.display_name,
    aaguid: r.aaguid,
    transports: JSON.parse(r.transports) as string[],
    deviceType: r.device_type === 'multiDevice' ? 'multiDevice' : 'singleDevice',
    backedUp: bool(r.backed_up),
    attestationLevel: r.attestation_level === 'attested' ? 'attested' : 'notAttested',
    rpId: r.rp_id,
    createdAt: new Date(Number(r.created_at)),
    lastUsedAt: r.last_used_at === null ? null : new Date(Number(r.last_used_at)),
  };
}

// Asked by every sign-in step.
const hasAnyForRpQuery = prepared((db, p: { userId: string; rpId: string }) =>
  db
    .selectFrom('fido2_methods')
    .select('id')
    .where('user_id', '=', p.userId)
    .where('rp_id', '=', p.rpId)
    .limit(rowLimit(1)),
);

export function createFido2MethodsRepo(db: DbOrTx) {
  return {
    async listOfUser(userId: string): Promise<Fido2MethodRecord[]> {
      const rows = await db
        .selectFrom('fido2_methods')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecord);
    },

    /** Whether the user has a passkey usable here (bound to `rpId`); every sign-in step asks. */
    async hasAnyForRp(userId: string, rpId: string): Promise<boolean> {
      return (await hasAnyForRpQuery(db, { userId, rpId })).rows.length > 0;
    },

    async find(userId: string, id: string): Promise<Fido2MethodRecord | undefined> {
      const r = await db
        .selectFrom('fido2_methods')
        .selectAll()
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toRecord(r);
    },

    async findByCredentialId(credentialId: string): Promise<Fido2MethodRecord | undefined> {
      const r = await db
        .selectFrom('fido2_methods')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return r && toRecord(r);
    },

    /** Fails with a unique violation when the credential is already registered (to anyone). */
    async insert(m: Fido2MethodRecord): Promise<void> {
      await db
        .insertInto('fido2_methods')
        .values({
          id: m.id,
          user_id: m.userId,
          credential_id: m.credentialId,
          public_key: m.publicKey,
          sign_count: m.signCount,
          display_name: m.displayName,
          aaguid: m.aaguid,
          transports: JSON.stringify(m.transports),
          device_type: m.deviceType,
          backed_up: int(m.backedUp),
          attestation_level: m.attestationLevel,
          rp_id: m.rpId,
          created_at: m.createdAt.getTime(),
          last_used_at: m.lastUsedAt?.getTime() ?? null,
        })
        .execute();
    },

    /**
     * Records a use. A credential that reports a counter (non-zero) must move it forward: the update only happens
     * when the stored counter is lower, so two uses racing with one counter value, or a cloned authenticator
     * replaying an older one, do not both pass. A counter of 0 (synced passkeys never count) is always accepted.
     */
    async recordUse(id: string, newCount: number, now: number): Promise<boolean> {
      let q = db.updateTable('fido2_methods').set({ sign_count: newCount, last_used_at: now }).where('id', '=', id);
      if (newCount > 0) q = q.where('sign_count', '<', newCount);
      else q = q.where('sign_count', '=', 0);
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async rename(userId: string, id: string, displayName: string): Promise<boolean> {
      const result = await db
        .updateTable('fido2_methods')
        .set({ display_name: displayName })
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async delete(userId: string, id: string): Promise<Fido2MethodRecord | undefined> {
      const r = await db
        .deleteFrom('fido2_methods')
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return r && toRecord(r);
    },

    /** Relying-party ids that stored credentials are bound to (start-up refuses a changed public host). */
    async distinctRpIds(): Promise<string[]> {
      const rows = await db.selectFrom('fido2_methods').select('rp_id').distinct().execute();
      return rows.map((r) => r.rp_id);
    },
  };
}

/** Single-use WebAuthn challenges, stored as keyed hashes. */
export function createWebauthnChallengesRepo(db: DbOrTx) {
  return {
    async insert(c: {
      challengeHash: string;
      purpose: 'registration' | 'authentication';
      userId: string | null;
      expiresAt: number;
    }): Promise<void> {
      await db
        .insertInto('webauthn_challenges')
        .values({ challenge_hash: c.challengeHash, purpose: c.purpose, user_id: c.userId, expires_at: c.expiresAt })
        .execute();
    },

    /** Removes and returns the challenge if it is live: a challenge answers one ceremony at most. */
    async consume(
      challengeHash: string,
      purpose: 'registration' | 'authentication',
      now: number,
    ): Promise<{ userId: string | null } | undefined> {
      const r = await db
        .deleteFrom('webauthn_challenges')
        .where('challenge_hash', '=', challengeHash)
        .where('purpose', '=', purpose)
        .returning(['user_id', 'expires_at'])
        .executeTakeFirst();
      return r && Number(r.expires_at) > now ? { userId: r.user_id } : undefined;
    },
  };
}
