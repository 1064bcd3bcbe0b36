// Validation of user properties as Entra applies it: UPN shape and verified domain, lengths, mail, and the
// NIST password policy. Each refusal is a 400 naming the property; no submitted value is ever echoed.

import { AppError } from '../domain/errors.js';
import { hasForbiddenCharacters } from '../domain/control-characters.js';
import { checkPassword } from '../domain/password-policy.js';
import type { Deps } from './deps.js';
import { normalizeUpn } from './user-lookup.js';

// Entra's rule for the local part: letters, digits and ' . - _ ! # ^ ~, no leading, trailing or double dot.
const UPN =
  /^[a-z0-9'_!#^~-]+(?:\.[a-z0-9'_!#^~-]+)*@([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)$/;
const MAIL_NICKNAME = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]{1,64}$/;
const MAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Validates and normalises a UPN; its domain must be one of the tenant's verified domains. */
export function validUpn(deps: Pick<Deps, 'tenant'>, raw: string): string {
  const upn = normalizeUpn(raw);
  const local = upn.slice(0, upn.lastIndexOf('@'));
  const match = UPN.exec(upn);
  if (!match || local.length > 64 || upn.length > 113)
    throw new AppError('invalidProperty', {
      target: 'userPrincipalName',
      params: { property: 'userPrincipalName', resource: 'User' },
    });
  const domain = match[1]!;
  if (!deps.tenant.domains.some((d) => d.name.toLowerCase() === domain))
    throw new AppError('domainNotVerified', { target: 'userPrincipalName' });
  return upn;
}

export function text(value: string, target: string, max: number): string {
  // The HTTP edge refuses these already (http/plugins/forbidden-characters.ts); the CLI reaches here directly.
  if (hasForbiddenCharacters(value, target))
    throw new AppError('forbiddenCharacters', { target, params: { where: 'property', target } });
  const v = value.trim();
  if (v.length === 0 || v.length > max)
    throw new AppError('propertyLength', { target, params: { property: target, resource: 'User', max } });
  return v;
}

export function optionalText(value: string | null | undefined, target: string, max: number): string | null | undefined {
  if (value === undefined || value === null) return value;
  return value.trim() === '' ? null : text(value, target, max);
}

export function validMail(value: string | null | undefined): string | null | undefined {
  const v = optionalText(value, 'mail', 254);
  if (v && !MAIL.test(v))
    throw new AppError('invalidProperty', { target: 'mail', params: { property: 'mail', resource: 'User' } });
  return v;
}

export function validMailNickname(value: string): string {
  const v = value.trim();
  if (!MAIL_NICKNAME.test(v))
    throw new AppError('invalidProperty', {
      target: 'mailNickname',
      params: { property: 'mailNickname', resource: 'User' },
    });
  return v;
}

/** NIST checks, then the normalised form to hash. The message says why; the value is never echoed. */
export function acceptablePassword(password: string, userPrincipalName: string): string {
  const result = checkPassword(password, { userPrincipalName });
  if (!result.ok)
    throw new AppError('passwordRefused', { target: 'passwordProfile.password', params: { refusal: result.reason } });
  return result.normalized;
}
