// A user's Temporary Access Pass history, read from the audit and sign-in logs through their own services (so the
// same read rules apply): each pass created and deleted, and each sign-in in which a pass was accepted.

import type { DirectoryAuditJson } from '../store/repos/audit-events.js';
import type { SignInRecord } from '../store/repos/sign-ins.js';
import { listDirectoryAudits, listSignIns, type LogPage, type LogQuery } from './audit-logs.js';
import type { Deps } from './deps.js';
import type { GuardedContext } from './guard.js';
import { METHOD_LOG_NAMES } from './sign-in-facts.js';
import { getUser, type UserRecord } from './users.js';

export interface PassHistory {
  user: UserRecord;
  /** Passes created and deleted (by an administrator, by the user, or replaced by a new one), oldest first. */
  changes: DirectoryAuditJson[];
  /** Sign-ins that accepted a pass, oldest first. */
  uses: SignInRecord[];
  /** Whether the history stopped at READ_LIMIT rows of a log before its end. */
  truncated: boolean;
}

/** Rows read from each log at most: a page stays quick for a user with years of sign-ins. */
export const READ_LIMIT = 5000;
const PAGE = 999;

export const PASS_RETIRED = 'Temporary Access Pass retired after registration';

/**
 * The activities that add or remove security info, and a pass's retirement; a pass's entry among them names the pass
 * in its properties.
 */
const SECURITY_INFO = [
  ...['Admin', 'User'].flatMap((who) =>
    ['registered', 'deleted'].map((change) => `activityDisplayName eq '${who} ${change} security info'`),
  ),
  `activityDisplayName eq '${PASS_RETIRED}'`,
];

/** "This wasn't me": each notice's delivery ("sent" or "failed: reason") and the dispute name the pass the same way. */
const NOTICES = [
  "activityDisplayName eq 'Send Temporary Access Pass notice'",
  "activityDisplayName eq 'Temporary Access Pass disputed by user' and result eq 'success'",
];

const isPassChange = (a: DirectoryAuditJson) =>
  a.targetResources.some(
    (t) =>
      typeof t === 'object' &&
      t !== null &&
      'modifiedProperties' in t &&
      Array.isArray(t.modifiedProperties) &&
      t.modifiedProperties.some(
        (p: unknown) =>
          typeof p === 'object' && p !== null && 'displayName' in p && p.displayName === 'TemporaryAccessPass.Id',
      ),
  );

const acceptedPass = (s: SignInRecord) => s.methods.some((m) => m.method === METHOD_LOG_NAMES.tap && m.succeeded);

/** Every row of a log the query selects, oldest first, up to READ_LIMIT. */
async function readAll<T>(
  list: (q: LogQuery) => Promise<LogPage<T>>,
  q: LogQuery,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let skipToken: string | undefined;
  do {
    const page = await list({ ...q, top: PAGE, ...(skipToken ? { skipToken } : {}) });
    items.push(...page.items);
    skipToken = page.nextSkipToken;
  } while (skipToken && items.length < READ_LIMIT);
  return { items, truncated: skipToken !== undefined };
}

export async function readPassHistory(
  deps: Pick<Deps, 'db'>,
  ctx: GuardedContext,
  userId: string,
): Promise<PassHistory> {
  const user = await getUser(deps, ctx, userId);
  const audits = await readAll((q) => listDirectoryAudits(deps, ctx, q), {
    filter: `targetResources/any(t: t/id eq '${user.id}') and ((result eq 'success' and (${SECURITY_INFO.join(' or ')})) or (${NOTICES.join(') or (')}))`,
    orderBy: 'activityDateTime asc',
  });
  const changes = audits.items.filter(isPassChange);
  // A pass is accepted only after it was created, so older sign-ins need not be read.
  const since = changes[0]?.activityDateTime;
  const signIns = await readAll((q) => listSignIns(deps, ctx, q), {
    filter: `userId eq '${user.id}'${since ? ` and createdDateTime ge ${since}` : ''}`,
    orderBy: 'createdDateTime asc',
  });
  return {
    user,
    changes,
    uses: signIns.items.filter(acceptedPass),
    truncated: audits.truncated || signIns.truncated,
  };
}
