// The admin center's Authentication methods → Policies blade and its Temporary Access Pass pane ("Enable and target",
// "Configure" with its "Edit" form), and Properties → Security defaults, with Entra's names for every control.

import type { TapPolicy } from '../../../domain/tap/policy.js';
import type { GroupRecord } from '../../../services/groups.js';
import { esc } from '../html.js';
import { breadcrumb } from './layout.js';
import { csrfField, errorBox } from './users.js';

const TAP = '/admin/authentication-methods/temporary-access-pass';

const saved = (notice: string | undefined) =>
  notice ? `<div class="success" role="status"><p id="notice">${esc(notice)}</p></div>` : '';

export function policiesPage(v: { policy: TapPolicy }): string {
  return `${breadcrumb([{ label: 'Home', href: '/admin' }, { label: 'Authentication methods' }])}
<h2 id="policies">Policies</h2>
<table class="grid" tabindex="0" aria-labelledby="policies">
<thead><tr><th scope="col">Method</th><th scope="col">Target</th><th scope="col">Enabled</th></tr></thead>
<tbody><tr>
<td><a href="${TAP}">Temporary Access Pass</a></td>
<td>${v.policy.includeTargets.some((t) => t.id === 'all_users') ? 'All users' : `${v.policy.includeTargets.length} group(s)`}</td>
<td id="tap-enabled">${v.policy.state === 'enabled' ? 'Yes' : 'No'}</td>
</tr></tbody>
</table>`;
}

function tapTabs(current: 'enable' | 'configure'): string {
  const tab = (href: string, label: string, on: boolean) =>
    `<li><a href="${href}"${on ? ' aria-current="page"' : ''}>${label}</a></li>`;
  return `<nav aria-label="Temporary Access Pass settings"><ul class="tabs">
${tab(TAP, 'Enable and target', current === 'enable')}
${tab(`${TAP}/configure`, 'Configure', current === 'configure')}
</ul></nav>`;
}

const tapTrail = (last?: string) =>
  breadcrumb([
    { label: 'Home', href: '/admin' },
    { label: 'Authentication methods', href: '/admin/authentication-methods' },
    ...(last ? [{ label: 'Temporary Access Pass', href: TAP }, { label: last }] : [{ label: 'Temporary Access Pass' }]),
  ]);

export function tapEnablePage(v: {
  policy: TapPolicy;
  groups: readonly GroupRecord[];
  mayEdit: boolean;
  csrf: string;
  notice?: string;
  error?: string;
}): string {
  const p = v.policy;
  const allUsers = p.includeTargets.some((t) => t.id === 'all_users');
  const included = new Set(p.includeTargets.map((t) => t.id));
  const excluded = new Set(p.excludeTargets.map((t) => t.id));
  const disabled = v.mayEdit ? '' : ' disabled';
  const groupBoxes = (name: string, chosen: Set<string>, legend: string) =>
    v.groups.length === 0
      ? `<p class="hint">${esc(legend)}: no groups exist yet.</p>`
      : `<fieldset><legend>${esc(legend)}</legend>${v.groups
          .map(
            (g) =>
              `<label class="choice"><input type="checkbox" name="${name}" value="${esc(g.id)}"${chosen.has(g.id) ? ' checked' : ''}${disabled}> ${esc(g.displayName)}</label>`,
          )
          .join('')}</fieldset>`;
  return `${tapTrail()}
${tapTabs('enable')}
${saved(v.notice)}
${errorBox(v.error)}
<form method="post" action="${TAP}" class="blade">
${csrfField(v.csrf)}
<label class="choice"><input type="checkbox" role="switch" name="enabled" value="yes" id="enable"${p.state === 'enabled' ? ' checked' : ''}${disabled}> Enable</label>
<h2>Include</h2>
<fieldset><legend>Target</legend>
<label class="choice"><input type="radio" name="include" value="all_users"${allUsers ? ' checked' : ''}${disabled}> All users</label>
<label class="choice"><input type="radio" name="include" value="groups"${allUsers ? '' : ' checked'}${disabled}> Select groups</label>
</fieldset>
${groupBoxes('includeGroup', included, 'Included groups')}
<h2>Exclude</h2>
${groupBoxes('excludeGroup', excluded, 'Excluded groups')}
${v.mayEdit ? '<p><button type="submit">Save</button></p>' : '<p class="hint">You may view this policy but not change it.</p>'}
</form>`;
}

export function tapConfigurePage(v: { policy: TapPolicy; mayEdit: boolean; notice?: string }): string {
  const p = v.policy;
  return `${tapTrail('Configure')}
${tapTabs('configure')}
${saved(v.notice)}
<section class="blade" aria-labelledby="general">
<h2 id="general">General</h2>
<dl class="details">
<dt>Minimum lifetime</dt><dd id="minimum">${p.minimumLifetimeInMinutes} minutes</dd>
<dt>Maximum lifetime</dt><dd id="maximum">${p.maximumLifetimeInMinutes} minutes</dd>
<dt>Default lifetime</dt><dd id="default">${p.defaultLifetimeInMinutes} minutes</dd>
<dt>One-time</dt><dd id="one-time">${p.isUsableOnce ? 'Yes' : 'No'}</dd>
<dt>Length</dt><dd id="length">${p.defaultLength} characters</dd>
<dt>Default purpose</dt><dd id="default-purpose">${p.defaultPurpose === 'setup' ? SETUP_WORDS : ACCESS_WORDS}</dd>
<dt>One-time retry</dt><dd id="one-time-retry">${p.oneTimeRetry ? 'Yes' : 'No'}</dd>
<dt>Registration window</dt><dd id="registration-window">${p.registrationWindowInMinutes} minutes</dd>
<dt>Removed once replaced</dt><dd id="retire-after-registration">${p.retireAfterRegistration ? 'Yes' : 'No'}</dd>
</dl>
<p class="hint">A user without a password gets a pass to set up sign-in methods only, unless the issuer chooses otherwise. "Removed once replaced": the pass is removed when the user registers a method that signs them in without it. "One-time retry": a one-time pass is used up by a registration or at the end of its registration window, not at its first sign-in.</p>
${v.mayEdit ? `<p><a class="button" href="${TAP}/configure/edit">Edit</a></p>` : ''}
</section>`;
}

const SETUP_WORDS = 'Set up sign-in methods only';
const ACCESS_WORDS = 'Sign in to apps';

export interface TapConfigForm {
  minimum: string;
  maximum: string;
  defaultLifetime: string;
  oneTime: boolean;
  length: string;
  /** Posted as is: the policy refuses anything but 'setup' and 'access', naming the field. */
  defaultPurpose: string;
  retireAfterRegistration: boolean;
  oneTimeRetry: boolean;
  registrationWindow: string;
}

export function tapEditPage(v: { form: TapConfigForm; csrf: string; error?: string; field?: string }): string {
  const f = v.form;
  const invalid = (name: string) => (v.field === name ? ' aria-invalid="true" aria-describedby="error-message"' : '');
  return `${tapTrail('Edit')}
${errorBox(v.error)}
<form method="post" action="${TAP}/configure/edit" class="blade">
${csrfField(v.csrf)}
<label for="minimum-lifetime">Minimum lifetime (minutes)</label>
<input type="number" id="minimum-lifetime" name="minimum" value="${esc(f.minimum)}"${invalid('minimumLifetimeInMinutes')}>
<label for="maximum-lifetime">Maximum lifetime (minutes)</label>
<input type="number" id="maximum-lifetime" name="maximum" value="${esc(f.maximum)}"${invalid('maximumLifetimeInMinutes')}>
<label for="default-lifetime">Default lifetime (minutes)</label>
<input type="number" id="default-lifetime" name="defaultLifetime" value="${esc(f.defaultLifetime)}"${invalid('defaultLifetimeInMinutes')}>
<fieldset><legend>One-time</legend>
<label class="choice"><input type="radio" name="oneTime" value="yes"${f.oneTime ? ' checked' : ''}> Yes</label>
<label class="choice"><input type="radio" name="oneTime" value="no"${f.oneTime ? '' : ' checked'}> No</label>
</fieldset>
<label for="length">Length (characters)</label>
<input type="number" id="length" name="length" value="${esc(f.length)}"${invalid('defaultLength')}>
<fieldset aria-describedby="default-purpose-hint"><legend>Default purpose</legend>
<label class="choice"><input type="radio" name="defaultPurpose" value="access"${f.defaultPurpose === 'access' ? ' checked' : ''}> ${ACCESS_WORDS}</label>
<label class="choice"><input type="radio" name="defaultPurpose" value="setup"${f.defaultPurpose === 'setup' ? ' checked' : ''}> ${SETUP_WORDS}</label>
<p class="hint" id="default-purpose-hint">For a pass issued without a purpose to a user who has a password. A user without a password always gets a pass to set up sign-in methods, unless the issuer chooses otherwise.</p>
</fieldset>
<fieldset aria-describedby="one-time-retry-hint"><legend>One-time retry</legend>
<label class="choice"><input type="radio" name="oneTimeRetry" value="yes"${f.oneTimeRetry ? ' checked' : ''}> Yes</label>
<label class="choice"><input type="radio" name="oneTimeRetry" value="no"${f.oneTimeRetry ? '' : ' checked'}> No</label>
<p class="hint" id="one-time-retry-hint">Yes: a one-time pass still signs in after a closed browser or a failed passkey prompt, until the user registers a method or the registration window ends. No: it is used up at its first sign-in, as in Entra.</p>
</fieldset>
<label for="registration-window">Registration window (minutes)</label>
<input type="number" id="registration-window" name="registrationWindow" value="${esc(f.registrationWindow)}"${invalid('gatepassRegistrationWindowInMinutes')}>
<fieldset aria-describedby="retire-hint"><legend>Remove the pass once a method replaces it</legend>
<label class="choice"><input type="radio" name="retireAfterRegistration" value="yes"${f.retireAfterRegistration ? ' checked' : ''}> Yes</label>
<label class="choice"><input type="radio" name="retireAfterRegistration" value="no"${f.retireAfterRegistration ? '' : ' checked'}> No</label>
<p class="hint" id="retire-hint">When the user registers an authenticator app or a passkey that signs them in without the pass, the pass is removed and its other sessions end.</p>
</fieldset>
<p><button type="submit">Save</button> <a class="button secondary" href="${TAP}/configure">Cancel</a></p>
</form>`;
}

export function propertiesPage(v: {
  securityDefaults: boolean;
  mayEdit: boolean;
  csrf: string;
  notice?: string;
  error?: string;
}): string {
  const disabled = v.mayEdit ? '' : ' disabled';
  return `${breadcrumb([{ label: 'Home', href: '/admin' }, { label: 'Properties' }])}
${saved(v.notice)}
${errorBox(v.error)}
<form method="post" action="/admin/properties/security-defaults" class="blade">
${csrfField(v.csrf)}
<h2 id="security-defaults">Security defaults</h2>
<p class="hint">With security defaults on, every user signs in with multi-factor authentication: a password is followed by a second method, such as a Temporary Access Pass.</p>
<label class="choice"><input type="checkbox" role="switch" name="enabled" value="yes" id="security-defaults-switch"${v.securityDefaults ? ' checked' : ''}${disabled}> Security defaults</label>
${v.mayEdit ? '<p><button type="submit">Save</button></p>' : ''}
</form>`;
}
