// Server-side state of a sign-in interaction (keyed by a hash of the interaction uid).

import type { DbOrTx } from '../db.js';
import { affectedRows, type Arg, preparedQuery } from '../prepared.js';

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

// Every step of a sign-in reads its state, and most write it: compiled once (prepared.ts).
const findLive = preparedQuery((db, arg: Arg<[string, number]>) =>
  db.selectFrom('sign_in_states').selectAll().where('uid_hash', '=', arg(0)).where('expires_at', '>', arg(1)),
);
const sweepExpired = preparedQuery((db, arg: Arg<[number]>) =>
  db.deleteFrom('sign_in_states').where('expires_at', '<=', arg(0)),
);
/** uid_hash, subject, user_id, login_name, facts, csrf_hash, status, created_at, expires_at */
type StateRow = [string, string | null, string | null, string | null, string, string, string, number, number];
const insertIfAbsent = preparedQuery((db, arg: Arg<StateRow>) =>
  db
    .insertInto('sign_in_states')
    .values({
      uid_hash: arg(0),
      subject: arg(1),
      user_id: arg(2),
      login_name: arg(3),
      facts: arg(4),
      csrf_hash: arg(5),
      status: arg(6),
      created_at: arg(7),
      expires_at: arg(8),
    })
    .onConflict((oc) => oc.column('uid_hash').doNothing()),
);
const bind = preparedQuery((db, arg: Arg<[string, string, string | null, string]>) =>
  db
    .updateTable('sign_in_states')
    .set({ subject: arg(1), user_id: arg(2), login_name: arg(3) })
    .where('uid_hash', '=', arg(0))
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('subject', 'is', null), eb('subject', '=', arg(1))])),
);
const setFacts = preparedQuery((db, arg: Arg<[string, string, string]>) =>
  db
    .updateTable('sign_in_states')
    .set({ facts: arg(2) })
    .where('uid_hash', '=', arg(0))
    .where('status', '=', 'active')
    .where('subject', '=', arg(1)),
);

export function createSignInStatesRepo(db: DbOrTx) {
  return {
    /** Undefined when absent or expired. */
    async findState(uidHash: string, now: number): Promise<SignInStateRecord | undefined> {
      const [r] = (await findLive(db, uidHash, now)).rows;
      if (!r) return undefined;
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
        ...(isMethod(current(r.chosen_method))
          ? { chosenMethod: current(r.chosen_method) as StoredFact['method'] }
          : {}),
      };
    },

    /** Creates the state once; a concurrent second start keeps the first. Expired states are swept on the way. */
    async insertStateIfAbsent(s: SignInStateRecord): Promise<void> {
      await sweepExpired(db, s.createdAt);
      await insertIfAbsent(
        db,
        s.uidHash,
        s.subject,
        s.userId,
        s.loginName,
        JSON.stringify(s.facts),
        s.csrfHash,
        s.status,
        s.createdAt,
        s.expiresAt,
      );
    },

    /**
     * Binds the state to one subject, only if it is unbound or already bound to that subject (one statement,
     * so two racing requests cannot bind it to two users). Returns false when bound to someone else or ended.
     */
    async bindSubject(uidHash: string, subject: string, userId: string | null, loginName: string): Promise<boolean> {
      return affectedRows(await bind(db, uidHash, subject, userId, loginName)) > 0;
    },

    /** Appends a verified fact, only while the state is active and bound to `subject`. */
    async recordFacts(uidHash: string, subject: string, facts: StoredFact[]): Promise<boolean> {
      return affectedRows(await setFacts(db, uidHash, subject, JSON.stringify(facts))) > 0;
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
      await db.deleteFrom('sign_in_states').where('uid_hash', '=', uidHash).execute();
    },
  };
}
