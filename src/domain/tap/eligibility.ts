// Who may hold and use a Temporary Access Pass at all, whatever the policy says: shared by issuing, sign-in and the
// diagnosis ("Why doesn't this pass work?").

export interface PassHolder {
  readonly userType: 'Member' | 'Guest';
  readonly userPrincipalName: string;
  readonly accountEnabled: boolean;
}

/** Entra: only internal guests may hold a pass; an external guest is a Guest whose UPN carries #EXT#. */
export const isExternalGuest = (user: Pick<PassHolder, 'userType' | 'userPrincipalName'>): boolean =>
  user.userType === 'Guest' && user.userPrincipalName.includes('#ext#');

/** A disabled account signs in with nothing, a pass included (the sign-in pipeline's checkAccountEnabled). */
export const isAccountEnabled = (user: Pick<PassHolder, 'accountEnabled'>): boolean => user.accountEnabled;
