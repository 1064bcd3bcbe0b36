// A user adds or changes their own notification email from Security info: a code is mailed to the address and must
// come back before the address is stored. Both the codes sent and the wrong guesses are counted in the store, before
// anything is checked; every refusal is audited, and the code itself is kept only as a keyed hash.

import { randomInt } from 'node:crypto';
import { userTarget, type AuditEntry } from '../domain/audit.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  EMAIL_CODE_DIGITS,
  EMAIL_CODE_LIFETIME_MS,
  EMAIL_CODE_SEND_WINDOW_MS,
  MAX_EMAIL_CODES_PER_WINDOW,
  MAX_WRONG_EMAIL_CODES,
  emailCodeSubject,
  readEmailCode,
  renderEmailCode,
} from '../domain/mail/email-code.js';
import { createEmailMethodsRepo, type EmailMethod } from '../store/repos/email-methods.js';
import { createEmailVerificationsRepo } from '../store/repos/email-verifications.js';
import type { UserRecord } from '../store/repos/users.js';
import { audited, recordAuditEvent } from './audited.js';
import type { Deps, RequestContext } from './deps.js';
import { emailEntry, readEmailAddress } from './email-methods.js';
import { reasonOf, type MailTransport } from './mail/transport.js';

type Holder = Pick<UserRecord, 'id' | 'displayName' | 'userPrincipalName'>;

function startedEntry(user: Holder, emailAddress?: string): AuditEntry {
  return {
    activityDisplayName: 'User started security info registration',
    category: 'UserManagement',
    loggedByService: 'Authentication Methods',
    operationType: 'Other',
    resultReason: 'User started the registration for email authentication method',
    targetResources: [userTarget(user, [])],
    additionalDetails: emailAddress ? [{ key: 'EmailAddress', value: emailAddress }] : [],
  };
}

const newCode = () => String(randomInt(0, 10 ** EMAIL_CODE_DIGITS)).padStart(EMAIL_CODE_DIGITS, '0');

/**
 * Mails a new code to `rawAddress` for `user` (replacing any code sent before) and returns the address and until when
 * the code works. The code is stored before the mail leaves, outside any transaction held open during SMTP.
 */
export async function sendOwnEmailCode(
  deps: Deps,
  ctx: RequestContext,
  user: Holder,
  rawAddress: unknown,
  transport: MailTransport | undefined,
): Promise<{ emailAddress: string; expiresAt: Date }> {
  const code = newCode();
  const { emailAddress, expiresAt } = await audited(deps, ctx, startedEntry(user), async (tx, record) => {
    if (!transport) throw new AppError('mailNotConfigured');
    const address = readEmailAddress(rawAddress);
    const now = deps.clock.now();
    const until = new Date(now.getTime() + EMAIL_CODE_LIFETIME_MS);
    const repo = createEmailVerificationsRepo(tx);
    const allowed = await repo.beginVerification({
      userId: user.id,
      emailAddress: address,
      codeHash: deps.keyring.keyedHash('id-hash', emailCodeSubject(user.id, address, code)),
      expiresAt: until,
      now,
      windowMs: EMAIL_CODE_SEND_WINDOW_MS,
      maxCodes: MAX_EMAIL_CODES_PER_WINDOW,
    });
    if (!allowed) {
      const again = await repo.codesAllowedAgainAt(user.id, EMAIL_CODE_SEND_WINDOW_MS);
      const seconds = Math.max(1, Math.ceil(((again?.getTime() ?? now.getTime()) - now.getTime()) / 1000));
      throw new AppError('emailCodesTooMany', {
        target: 'emailAddress',
        retryAfter: seconds,
        params: { minutes: Math.ceil(seconds / 60) },
      });
    }
    await record(startedEntry(user, address));
    return { emailAddress: address, expiresAt: until };
  });
  try {
    await transport!.send({
      to: emailAddress,
      ...renderEmailCode({ code, userPrincipalName: user.userPrincipalName, expiresAt }),
    });
  } catch (err) {
    deps.log.warn({ err: reasonOf(err), userId: user.id }, 'email verification code not sent');
    await recordAuditEvent(deps.db, deps, ctx, startedEntry(user, emailAddress), 'failure', `failed: ${reasonOf(err)}`);
    throw new AppError('emailCodeNotSent', { target: 'emailAddress' });
  }
  return { emailAddress, expiresAt };
}

/** The user's notification email now, if any (the Email page names it before a change). */
export async function currentOwnEmail(deps: Pick<Deps, 'db'>, userId: string): Promise<string | undefined> {
  return (await createEmailMethodsRepo(deps.db).findEmailMethodOfUser(userId))?.emailAddress;
}

/** The address a code is waiting for, for the "enter the code" page; undefined when none is pending. */
export async function pendingOwnEmail(deps: Pick<Deps, 'db' | 'clock'>, userId: string): Promise<string | undefined> {
  return createEmailVerificationsRepo(deps.db).pendingAddress(userId, deps.clock.now());
}

/**
 * Checks the code typed back and, when it is right, stores the address as the user's notification email (replacing
 * the one they had). A guess is counted before it is checked, in its own committed write.
 */
export async function confirmOwnEmailCode(
  deps: Deps,
  ctx: RequestContext,
  user: Holder,
  rawCode: unknown,
): Promise<EmailMethod> {
  const code = readEmailCode(rawCode);
  const now = deps.clock.now();
  const pending = code
    ? await createEmailVerificationsRepo(deps.db).countGuess(user.id, now, MAX_WRONG_EMAIL_CODES)
    : undefined;
  let change: 'registered' | 'updated' = 'registered';
  return audited(
    deps,
    ctx,
    () => emailEntry(change, user, user.id, undefined, undefined, 'User'),
    async (tx, record) => {
      if (!code) throw new AppError('emailCodeInvalid', { target: 'code' });
      const verifications = createEmailVerificationsRepo(tx);
      if (!pending) {
        const why = await verifications.why(user.id, now);
        throw new AppError(
          why === 'none' ? 'emailCodeNotRequested' : why === 'expired' ? 'emailCodeExpired' : 'emailCodeTooManyGuesses',
          { target: 'code' },
        );
      }
      if (
        !deps.keyring.matchesKeyedHash(
          'id-hash',
          emailCodeSubject(user.id, pending.emailAddress, code),
          pending.codeHash,
        )
      )
        throw new AppError('emailCodeWrong', { target: 'code' });
      // Of two right answers racing, one uses the code; the other is told it was used.
      if (!(await verifications.useCode(user.id, pending.codeHash, now)))
        throw new AppError('emailCodeExpired', { target: 'code' });
      const methods = createEmailMethodsRepo(tx);
      const current = await methods.findEmailMethodOfUser(user.id);
      if (current) {
        change = 'updated';
        await methods.updateEmailAddress(current.id, pending.emailAddress);
        const updated = { ...current, emailAddress: pending.emailAddress };
        await record(emailEntry('updated', user, user.id, updated, current.emailAddress, 'User'));
        return updated;
      }
      const method = { id: newId(), userId: user.id, emailAddress: pending.emailAddress, createdAt: now };
      await methods.insertEmailMethod(method);
      await record(emailEntry('registered', user, user.id, method, undefined, 'User'));
      return method;
    },
  );
}

/** The user removes their own notification email; notices are then shown on /my only. */
export async function deleteOwnEmailMethod(deps: Deps, ctx: RequestContext, user: Holder, id: string): Promise<void> {
  await audited(
    deps,
    ctx,
    () => emailEntry('deleted', user, user.id, undefined, undefined, 'User'),
    async (tx, record) => {
      const removed = await createEmailMethodsRepo(tx).deleteEmailMethod(id.toLowerCase(), user.id);
      if (!removed) throw new AppError('notFound', { target: 'id' });
      await record(emailEntry('deleted', user, user.id, removed, removed.emailAddress, 'User'));
    },
  );
}
