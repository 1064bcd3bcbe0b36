// Security info (/my/security-info): the signed-in user's methods, deleting one (confirmed, with a plain warning when
// it is the last that allows a multi-factor sign-in), changing the password and signing out everywhere. Adding an
// authenticator app or a passkey lives in their own route files; every change passes the method-change gate.

import { retryWindowEndsAt } from '../domain/tap/pass.js';
import { isSetupOnlySignIn } from '../domain/tap/purpose.js';
import type { FastifyInstance } from 'fastify';
import { canCompleteMultiFactor } from '../domain/signin/factors.js';
import type { FactorMethod } from '../domain/signin/types.js';
import {
  deleteAuthenticationMethod,
  listAuthenticationMethods,
  type AuthenticationMethods,
} from '../services/authentication-methods.js';
import type { Deps } from '../services/deps.js';
import { methodChangeGate, methodRegistrationDeadline } from '../services/method-change-gate.js';
import { changeOwnPassword, signOutEverywhere } from '../services/self-service.js';
import { deleteTemporaryAccessPass } from '../services/temporary-access-passes.js';
import { deleteOwnEmailMethod } from '../services/own-email-method.js';
import { sendPage, type MySessions, type SignedIn } from './app-session.js';
import {
  changePasswordPage,
  confirmDeletePage,
  securityInfoOutcomeOf,
  securityInfoPage,
  type DeletableMethod,
} from './views/my-pages.js';

type DeleteKind = DeletableMethod['kind'];
const DELETE_KINDS: readonly DeleteKind[] = ['temporaryAccessPass', 'authenticatorApp', 'passkey', 'email'];
type DeleteParams = { Params: { kind: string; id: string } };

/** The methods a user could sign in with after removing one (for the "last multi-factor method" warning). */
function usableAfter(methods: AuthenticationMethods, removing: DeletableMethod): Set<FactorMethod> {
  const usable = new Set<FactorMethod>();
  if (methods.password) usable.add('password');
  if (methods.pass?.usability.isUsable && removing.kind !== 'temporaryAccessPass') usable.add('tap');
  if (methods.apps.some((a) => !(removing.kind === 'authenticatorApp' && a.id === removing.id)))
    usable.add('authenticatorApp');
  if (methods.passkeys.some((p) => !(removing.kind === 'passkey' && p.id === removing.id))) usable.add('passkey');
  return usable;
}

function findDeletable(methods: AuthenticationMethods, kind: DeleteKind, id: string): DeletableMethod | undefined {
  switch (kind) {
    case 'temporaryAccessPass':
      return methods.pass && methods.pass.pass.id === id ? { kind, id, name: 'Temporary Access Pass' } : undefined;
    case 'authenticatorApp': {
      const app = methods.apps.find((a) => a.id === id);
      return app && { kind, id, name: app.displayName };
    }
    case 'passkey': {
      const key = methods.passkeys.find((p) => p.id === id);
      return key && { kind, id, name: key.displayName };
    }
    case 'email':
      return methods.email?.id === id ? { kind, id, name: methods.email.emailAddress } : undefined;
  }
}

export function registerSecurityInfoRoutes(app: FastifyInstance, deps: Deps, my: MySessions): void {
  const methodsOf = (signed: SignedIn) => listAuthenticationMethods(deps, signed.ctx, signed.user.id);

  app.get<{ Querystring: { done?: string } }>('/my/security-info', async (request, reply) => {
    const signed = await my.requireSignedIn(request, reply, '/my/security-info');
    if (!signed) return reply;
    const { session, user, pass } = signed;
    const methods = await methodsOf(signed);
    const now = deps.clock.now();
    const gate = methodChangeGate(session, pass, now.getTime(), deps.config.methodChangeWindowMinutes);
    return sendPage(
      reply,
      200,
      securityInfoPage({
        displayName: user.displayName,
        methods,
        signedInWithPass: session.amr.includes('tap'),
        setupOnly: isSetupOnlySignIn(session.amr, pass?.pass.purpose),
        // Entra: after a one-time pass sign-in, new methods must be registered within 10 minutes.
        registerUntil: methodRegistrationDeadline(session, pass),
        finishSetUpBy: session.amr.includes('tap') && pass ? retryWindowEndsAt(pass.pass) : undefined,
        canChangeUntil: gate.allowed ? gate.until : undefined,
        now,
        csrf: session.csrf,
        outcome: securityInfoOutcomeOf(request.query.done),
      }),
    );
  });

  function deleteKindOf(raw: string): DeleteKind | undefined {
    return DELETE_KINDS.find((k) => k === raw);
  }

  app.get<DeleteParams>('/my/security-info/:kind/:id/delete', async (request, reply) => {
    const returnTo = '/my/security-info';
    const signed = await my.requireMethodChange(request, reply, returnTo);
    if (!signed) return reply;
    const kind = deleteKindOf(request.params.kind);
    const methods = await methodsOf(signed);
    const method = kind && findDeletable(methods, kind, request.params.id);
    if (!method) return reply.header('cache-control', 'no-store').redirect('/my/security-info', 303);
    // The email is no sign-in factor: removing it leaves every sign-in as it was.
    const lastMultiFactor = method.kind !== 'email' && !canCompleteMultiFactor(usableAfter(methods, method));
    return sendPage(reply, 200, confirmDeletePage({ method, lastMultiFactor, csrf: signed.session.csrf }));
  });

  app.post<DeleteParams & { Body: { csrf?: string } }>('/my/security-info/:kind/:id/delete', async (request, reply) => {
    const signed = await my.requireMethodChange(
      request,
      reply,
      '/my/security-info',
      (request.body as { csrf?: string } | undefined)?.csrf ?? '',
    );
    if (!signed) return reply;
    const kind = deleteKindOf(request.params.kind);
    const method = kind && findDeletable(await methodsOf(signed), kind, request.params.id);
    if (method) {
      if (method.kind === 'email') await deleteOwnEmailMethod(deps, signed.ctx, signed.user, method.id);
      else if (method.kind === 'temporaryAccessPass')
        // Entra lets users delete their own pass; it ends the sessions the pass started, this one too.
        await deleteTemporaryAccessPass(deps, signed.ctx, signed.user.id, method.id, 'User');
      else
        await deleteAuthenticationMethod(
          deps,
          signed.ctx,
          signed.user.id,
          method.kind === 'passkey' ? 'fido2' : 'softwareOath',
          method.id,
          'User',
        );
    }
    return reply
      .header('cache-control', 'no-store')
      .redirect(method ? '/my/security-info?done=method-deleted' : '/my/security-info', 303);
  });

  app.get('/my/security-info/password', async (request, reply) => {
    const signed = await my.requireSignedIn(request, reply, '/my/security-info/password');
    if (!signed) return reply;
    return sendPage(
      reply,
      200,
      changePasswordPage({ csrf: signed.session.csrf, hasPassword: signed.user.passwordHash !== null }),
    );
  });

  app.post<{ Body: Record<string, unknown> }>('/my/security-info/password', async (request, reply) => {
    const signed = await my.current(request);
    if (!signed) return my.startSignIn(reply, '/my/security-info/password');
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!my.validCsrf(signed, body.csrf)) return my.refuseCsrf(reply);
    const outcome = await changeOwnPassword(deps, signed.ctx, signed.user, {
      currentPassword: body.currentPassword,
      newPassword: body.newPassword,
      confirmPassword: body.confirmPassword,
    });
    if (!outcome.ok) {
      if ('retryAfterSeconds' in outcome) reply.header('retry-after', String(outcome.retryAfterSeconds));
      const status = 'retryAfterSeconds' in outcome ? 429 : 400;
      return sendPage(
        reply,
        status,
        changePasswordPage({
          csrf: signed.session.csrf,
          hasPassword: true,
          error: { field: outcome.field, message: outcome.message },
        }),
      );
    }
    return reply.header('cache-control', 'no-store').redirect('/my/security-info?done=password-changed', 303);
  });

  app.post<{ Body: { csrf?: string } }>('/my/security-info/sign-out-everywhere', async (request, reply) => {
    const signed = await my.current(request);
    if (!signed) return my.startSignIn(reply, '/my/security-info');
    if (!my.validCsrf(signed, (request.body as { csrf?: string } | undefined)?.csrf)) return my.refuseCsrf(reply);
    await signOutEverywhere(deps, signed.ctx, signed.user);
    my.clearSession(reply);
    return reply.header('cache-control', 'no-store').redirect('/my/signed-out?everywhere=1', 303);
  });
}
