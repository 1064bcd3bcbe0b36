// What the sign-in service is asked (SignInRequest) and what it answers: the page to show (SignInView). A refusal
// carries its catalogue entry's name; the web layer finds its status there.

import type { SignInRefusalPage } from '../../domain/errors/sign-in.js';
import type { FactorMethod } from '../../domain/signin/types.js';

export interface SignInRequest {
  uid: string;
  correlationId: string;
  ipAddress: string | null;
  userAgent: string | null;
  app: { appId: string; displayName: string };
  /** The application asked for a multi-factor sign-in (acr_values), whatever the tenant's policies say. */
  requireMfa?: boolean;
  /** The user this browser's device cookie names (smart lock-out: attempts from a familiar browser are counted apart). */
  familiarUserId?: string | null;
}

export interface LoginDone {
  accountId: string;
  amr: string[];
  acr: string;
  /** Epoch seconds. */
  ts: number;
}

/** The page of each step the pipeline can ask for (nextStep's `ask`): one entry per method, checked by the compiler. */
export type FactorView =
  | { kind: 'password'; loginName: string; error?: string }
  | { kind: 'tap'; loginName: string; error?: string; canUsePassword: boolean; alternatives?: FactorMethod[] }
  /** A code from an authenticator app (input `otp`). */
  | { kind: 'authenticatorApp'; loginName: string; error?: string; alternatives: FactorMethod[] }
  /** A passkey for this user (WebAuthn with allowCredentials). */
  | { kind: 'passkey'; loginName: string; error?: string; alternatives: FactorMethod[] };

export type SignInView =
  | { kind: 'username'; error?: string; username?: string }
  | FactorView
  | { kind: 'changePassword'; loginName: string; error?: string }
  | { kind: 'done'; login: LoginDone }
  | {
      kind: 'refused';
      /** The catalogue entry (src/domain/errors/sign-in.ts): its status, title and sign-in log code. */
      error: SignInRefusalPage;
      title: string;
      message: string;
      errorCode: number;
      correlationId: string;
      at: Date;
      retryAfterSeconds?: number;
    };

/** A refusal: its error page. */
export type RefusedView = Extract<SignInView, { kind: 'refused' }>;
