// Server-side state of a sign-in interaction (keyed by a hash of the interaction uid).

import type { Insertable, Selectable } from 'kysely';
import type { DbOrTx } from '../db.js';
import { changed, first, prepared } from '../prepared.js';
import type { Database } from '../schema.js';

export interface StoredFact {
  method: 'password' | 'tap' | 'authenticatorApp' | 'passkey';
  /** Epoch ms. */
  at: number;
  hardwareBound?: boolean;
}

export interface SignInStateRecord {
  uidHash: string;
  subject: string | null;
  userId: string | null;
  loginName: string | null;
  facts: StoredFact[];
  csrfHash: string;
  status: 'active' | 'ended';
  createdAt: number;
  expiresAt: number;
  preferPassword?: boolean;
  /** The method chosen with "Sign in another way", if any. */
  chosenMethod?: StoredFact['method'];
}

const METHODS: readonly string[] = ['password', 'tap', 'authenticatorApp', 'passkey'];
/** States written before the authenticator app's internal name changed (issue 9) named it 'totp'. */
const current = (v: string | null): string | null => (v === 'totp' ? 'authenticatorApp' : v);
const isMethod = (v: string | null): v is StoredFact['method'] => v !== null && METHODS.includes(v);
const factsOf = (json: string): StoredFact[] =>
  (JSON.parse(json) as StoredFact[]).map((f) => ({ ...f, method: current(f.method) as StoredFact['method'] }));

// Every step of every sign-in reads its state and most write it: these are compiled once.
const findQuery = prepared((db, p: { uidHash: string; now: number }) =>
  db.selectFrom('sign_in_states').selectAll().where('uid_hash', '=', p.uidHash).where('expires_at', '>', p.now),
);
const sweepQuery = prepared((db, p: { now: number }) =>
  db.deleteFrom('sign_in_states').where('expires_at', '<=', p.now),
);
const insertQuery = prepared((db, v: Insertable<Database['sign_in_states']>) =>
  db
    .insertInto('sign_in_states')
    .values(v)
    .onConflict((oc) => oc.column('uid_hash').doNothing())
    .returningAll(),
);
const bindQuery = prepared((db, p: { uidHash: string; subject: string; userId: string | null; loginName: string }) =>
  db
    .updateTable('sign_in_states')
    .set({ subject: p.subject, user_id: p.userId, login_name: p.loginName })
    .where('uid_hash', '=', p.uidHash)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('subject', 'is', null), eb('subject', '=', p.subject)]))
    .returningAll(),
);
const recordFactsQuery = prepared((db, p: { uidHash: string; subject: string; facts: string }) =>
  db
    .updateTable('sign_in_states')
    .set({ facts: p.facts })
    .where('uid_hash', '=', p.uidHash)
    .where('status', '=', 'active')
    .where('subject', '=', p.subject),
);
const deleteQuery = prepared((db, p: { uidHash: string }) =>
  db.deleteFrom('sign_in_states').where('uid_hash', '=', p.uidHash),
);

function toRecord(r: Selectable<Database['sign_in_states']>): SignInStateRecord {
  return {
    uidHash: r.uid_hash,
    subject: r.subject,
    userId: r.user_id,
    loginName: r.login_name,
    facts: factsOf(r.facts),
    csrfHash: r.csrf_hash,
    status: r.status === 'ended' ? 'ended' : 'active',
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    preferPassword: r.prefer_password === 1,
    ...(isMethod(current(r.chosen_method)) ? { chosenMethod: current(r.chosen_method) as StoredFact['method'] } : {}),
  };
}

export function createSignInStatesRepo(db: DbOrTx) {
  return {
    /** Undefined when absent or expired. */
    async findState(uidHash: string, now: number): Promise<SignInStateRecord | undefined> {
      const r = first(await findQuery(db, { uidHash, now }));
      return r && toRecord(r);
    },

    /**
     * Creates the state once; a concurrent second start keeps the first (and gets undefined: read it). Expired states
     * are swept on the way.
     */
    async insertStateIfAbsent(s: SignInStateRecord): Promise<SignInStateRecord | undefined> {
      await sweepQuery(db, { now: s.createdAt });
      const inserted = await insertQuery(db, {
        uid_hash: s.uidHash,
        subject: s.subject,
        user_id: s.userId,
        login_name: s.loginName,
        facts: JSON.stringify(s.facts),
        csrf_hash: s.csrfHash,
        status: s.status,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
      });
      const r = first(inserted);
      return r && toRecord(r);
    },

    /**
     * Binds the state to one subject, only if it is unbound or already bound to that subject (one statement,
     * so two racing requests cannot bind it to two users). Returns the state as bound (read in the same statement),
     * or undefined when bound to someone else or ended.
     */
    async bindSubject(
      uidHash: string,
      subject: string,
      userId: string | null,
      loginName: string,
    ): Promise<SignInStateRecord | undefined> {
      const r = first(await bindQuery(db, { uidHash, subject, userId, loginName }));
      return r && toRecord(r);
    },

    /** Appends a verified fact, only while the state is active and bound to `subject`. */
    async recordFacts(uidHash: string, subject: string, facts: StoredFact[]): Promise<boolean> {
      return changed(await recordFactsQuery(db, { uidHash, subject, facts: JSON.stringify(facts) })) > 0;
    },

    /** A failure: the verified facts are dropped; the binding stays, so nothing proved can move to another user. */
    async clearFacts(uidHash: string): Promise<void> {
      await db.updateTable('sign_in_states').set({ facts: '[]' }).where('uid_hash', '=', uidHash).execute();
    },

    /** A refusal: nothing more may happen in this interaction. */
    async endState(uidHash: string): Promise<void> {
      await db
        .updateTable('sign_in_states')
        .set({ facts: '[]', status: 'ended' })
        .where('uid_hash', '=', uidHash)
        .execute();
    },

    /** "Use another account": forget the binding and every fact. */
    async unbind(uidHash: string): Promise<void> {
      await db
        .updateTable('sign_in_states')
        .set({ facts: '[]', subject: null, user_id: null, login_name: null, prefer_password: 0, chosen_method: null })
        .where('uid_hash', '=', uidHash)
        .where('status', '=', 'active')
        .execute();
    },

    async setPreferPassword(uidHash: string): Promise<void> {
      await db
        .updateTable('sign_in_states')
        .set({ prefer_password: 1 })
        .where('uid_hash', '=', uidHash)
        .where('status', '=', 'active')
        .execute();
    },

    async setChosenMethod(uidHash: string, method: StoredFact['method']): Promise<void> {
      await db
        .updateTable('sign_in_states')
        .set({ chosen_method: method })
        .where('uid_hash', '=', uidHash)
        .where('status', '=', 'active')
        .execute();
    },

    async deleteState(uidHash: string): Promise<void> {
      await deleteQuery(db, { uidHash });
    },
  };
}
