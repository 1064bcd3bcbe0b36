// The words of the "This wasn't me" mails: to the account holder when a pass is issued and at its first use, and to
// the tenant's security contacts when the holder disputes it. Pure: the caller supplies the link and the times. A
// notice never holds the pass itself, only who issued it and when it is valid.

export type PassNoticeKind = 'issued' | 'first_used';

export interface PassNoticeFacts {
  kind: PassNoticeKind;
  userPrincipalName: string;
  issuerDisplayName: string;
  /** The issuer's role as the mail names it, e.g. "Global Administrator" or "application". */
  issuerRole: string;
  startAt: Date;
  endAt: Date;
  /** When the link stops working. */
  linkExpiresAt: Date;
  /** The one-click "This wasn't me" page. */
  disputeUrl: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
}

/** Mail is read in any time zone: times are written in UTC with the zone named. */
export const utcText = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function renderPassNotice(f: PassNoticeFacts): RenderedMail {
  const what =
    f.kind === 'issued'
      ? `A Temporary Access Pass was issued for your account ${f.userPrincipalName}.`
      : `The Temporary Access Pass issued for your account ${f.userPrincipalName} was just used to sign in for the first time.`;
  return {
    subject:
      f.kind === 'issued'
        ? 'A Temporary Access Pass was issued for your account'
        : 'Your Temporary Access Pass was used',
    text: [
      what,
      '',
      `Issued by: ${f.issuerDisplayName} (${f.issuerRole})`,
      `Valid from: ${utcText(f.startAt)}`,
      `Valid until: ${utcText(f.endAt)}`,
      '',
      'If you did not ask for this pass, open the link below and confirm "This wasn\'t me". The pass is revoked at',
      'once, every session it started ends, and your security team is told.',
      '',
      `This wasn't me: ${f.disputeUrl}`,
      '',
      `The link works once, until ${utcText(f.linkExpiresAt)}. It never signs anyone in.`,
      'This mail never contains the pass. Nobody from IT will ask you for it.',
    ].join('\n'),
  };
}

export interface DisputeFacts {
  userPrincipalName: string;
  userDisplayName: string;
  passId: string;
  issuerDisplayName: string;
  issuerRole: string;
  disputedAt: Date;
}

export function renderDisputeAlert(f: DisputeFacts): RenderedMail {
  return {
    subject: `Temporary Access Pass disputed by ${f.userPrincipalName}`,
    text: [
      `${f.userDisplayName} (${f.userPrincipalName}) said "This wasn't me" about a Temporary Access Pass at ${utcText(f.disputedAt)}.`,
      '',
      `Pass id: ${f.passId}`,
      `Issued by: ${f.issuerDisplayName} (${f.issuerRole})`,
      '',
      'Gatepass revoked the pass and ended every session and refresh token it started. Review the audit log',
      '(activity "Temporary Access Pass disputed by user") and who issued the pass.',
    ].join('\n'),
  };
}
