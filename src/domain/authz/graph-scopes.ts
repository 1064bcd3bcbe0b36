// Delegated Microsoft Graph scopes as an authorization request names them, read the way Entra reads them, and the
// `scp` claim a Graph token then carries.
//
// Entra accepts a Graph permission as `https://graph.microsoft.com/User.Read` or, Graph being the default resource,
// as the bare `User.Read`; `https://graph.microsoft.com/.default` asks for the app's configured set. A name Graph does
// not have is refused at the authorization request (AADSTS650053), as is a scope of another resource (AADSTS500011)
// and `.default` mixed with named permissions (AADSTS70011).

import { DELEGATED_PERMISSION_NAMES } from './permissions.js';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/**
 * What `.default` grants in a code flow to every app: the self-service permissions Security info's Graph form needs.
 * An app's tenant-wide granted permissions come on top (Entra's `.default`: everything consented for the app), added
 * where the token is issued (oidc/provider.ts), since they are read fresh from the store each time.
 */
export const DEFAULT_DELEGATED_PERMISSIONS: readonly string[] = Object.freeze([
  'User.Read',
  'UserAuthenticationMethod.ReadWrite',
]);

const DEFAULT = '.default';

export interface GraphScopeOptions {
  /** OpenID Connect scopes (openid, profile, email, offline_access): not Graph's, passed over. */
  readonly oidcScopes: ReadonlySet<string>;
  /** Other resource identifiers that name Graph too (Gatepass's issuer, for `<issuer>/.default`). */
  readonly graphAliases: readonly string[];
}

export interface ScopeProblem {
  readonly kind: 'unknownScope' | 'unknownResource' | 'defaultCombined';
  /** The offending scope value, as requested. */
  readonly scope: string;
  readonly message: string;
}

export interface RequestedGraphScopes {
  /** The Graph scope values exactly as requested, in order, without repeats: what the grant records. */
  readonly values: readonly string[];
  /** Whether the request asked for `.default`. */
  readonly isDefault: boolean;
}

export type ScopeReading =
  | { readonly ok: true; readonly graph: RequestedGraphScopes }
  | { readonly ok: false; readonly problem: ScopeProblem };

type Classified =
  | { readonly kind: 'oidc' }
  | { readonly kind: 'default' }
  | { readonly kind: 'permission'; readonly name: string }
  | { readonly kind: 'problem'; readonly problem: ScopeProblem };

const KNOWN: ReadonlySet<string> = new Set(DELEGATED_PERMISSION_NAMES);
const BY_LOWER: ReadonlyMap<string, string> = new Map(DELEGATED_PERMISSION_NAMES.map((n) => [n.toLowerCase(), n]));

function unknownScope(scope: string, name: string): ScopeProblem {
  const near = BY_LOWER.get(name.toLowerCase());
  const hint = near ? ` Permission names are case-sensitive here: did you mean '${near}'?` : '';
  return {
    kind: 'unknownScope',
    scope,
    message: `The application asked for scope '${scope}' that doesn't exist on the resource ${GRAPH_RESOURCE} (AADSTS650053).${hint}`,
  };
}

function classify(value: string, options: GraphScopeOptions): Classified {
  if (options.oidcScopes.has(value)) return { kind: 'oidc' };
  for (const resource of [GRAPH_RESOURCE, ...options.graphAliases]) {
    if (!value.startsWith(`${resource}/`)) continue;
    const name = value.slice(resource.length + 1);
    if (name === DEFAULT) return { kind: 'default' };
    return KNOWN.has(name) ? { kind: 'permission', name } : { kind: 'problem', problem: unknownScope(value, name) };
  }
  if (value.includes('/')) {
    const resource = value.slice(0, value.lastIndexOf('/'));
    return {
      kind: 'problem',
      problem: {
        kind: 'unknownResource',
        scope: value,
        message: `The resource principal named ${resource} was not found (AADSTS500011): scope '${value}' names a resource other than ${GRAPH_RESOURCE}, the only one Gatepass serves.`,
      },
    };
  }
  // Entra reads a bare name as a Graph permission.
  return KNOWN.has(value)
    ? { kind: 'permission', name: value }
    : { kind: 'problem', problem: unknownScope(value, value) };
}

/** Reads the `scope` parameter: its Graph part, or the first value Entra would refuse. */
export function readGraphScopes(scope: string | undefined, options: GraphScopeOptions): ScopeReading {
  const values: string[] = [];
  let isDefault = false;
  let named: string | undefined;
  for (const value of new Set((scope ?? '').split(' ').filter(Boolean))) {
    const c = classify(value, options);
    if (c.kind === 'oidc') continue;
    if (c.kind === 'problem') return { ok: false, problem: c.problem };
    if (c.kind === 'default') isDefault = true;
    else named ??= value;
    values.push(value);
  }
  if (isDefault && named !== undefined)
    return {
      ok: false,
      problem: {
        kind: 'defaultCombined',
        scope: named,
        message: `The scope '${named}' cannot be combined with '${GRAPH_RESOURCE}/.default' (AADSTS70011): ask either for .default or for named permissions.`,
      },
    };
  return { ok: true, graph: { values, isDefault } };
}

/** Every scope value the Graph resource accepts: each permission in both forms, and `.default` (also under the aliases). */
export function graphScopeValues(options: Pick<GraphScopeOptions, 'graphAliases'>): string[] {
  const resources = [GRAPH_RESOURCE, ...options.graphAliases];
  return [
    ...resources.map((r) => `${r}/${DEFAULT}`),
    ...DELEGATED_PERMISSION_NAMES.flatMap((name) => [...resources.map((r) => `${r}/${name}`), name]),
  ];
}

/**
 * The `scp` of a Graph token (Entra: permission names, space-separated): the permission names of the granted scope
 * values, `.default` expanded to `defaults`, each once, in the order first granted.
 */
export function delegatedPermissionsOf(
  granted: Iterable<string>,
  options: GraphScopeOptions,
  defaults: readonly string[] = DEFAULT_DELEGATED_PERMISSIONS,
): string[] {
  const names = new Set<string>();
  for (const value of granted) {
    if (value === '') continue;
    const c = classify(value, options);
    if (c.kind === 'default') for (const n of defaults) names.add(n);
    else if (c.kind === 'permission') names.add(c.name);
  }
  return [...names];
}

/** Whether any of the scope values is `.default` (under Graph or an alias). */
export function asksForDefault(values: Iterable<string>, options: GraphScopeOptions): boolean {
  for (const value of values) if (value !== '' && classify(value, options).kind === 'default') return true;
  return false;
}
