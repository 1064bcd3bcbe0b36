// Finds a user by object id or userPrincipalName, the two ways Graph addresses `/users/{id|userPrincipalName}`.

import { AppError } from '../domain/errors.js';
import { isGuid } from '../domain/ids.js';
import type { DbOrTx } from '../store/db.js';
import { createUsersRepo, type UserRecord } from '../store/repos/users.js';

/** The stored form of a UPN: trimmed, NFC, lower-case (Entra compares UPNs case-insensitively). */
export function normalizeUpn(upn: string): string {
  return upn.trim().normalize('NFC').toLowerCase();
}

/** Graph's wording for a missing directory object. */
export function notFoundError(key: string, target = 'id'): AppError {
  return new AppError('resourceNotFound', { target, params: { id: key } });
}

export async function findUserByIdOrUpn(db: DbOrTx, idOrUpn: string): Promise<UserRecord | undefined> {
  const key = idOrUpn.trim();
  const repo = createUsersRepo(db);
  // A GUID-shaped UPN cannot exist: the local part alone would need a verified domain after '@'.
  if (isGuid(key)) return repo.findUserById(key.toLowerCase());
  if (!key.includes('@')) return undefined;
  return repo.findUserByUpn(normalizeUpn(key));
}

export async function getUserByIdOrUpn(db: DbOrTx, idOrUpn: string): Promise<UserRecord> {
  const user = await findUserByIdOrUpn(db, idOrUpn);
  if (!user) throw notFoundError(idOrUpn);
  return user;
}
