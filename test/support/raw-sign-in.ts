// A sign-in driven with plain HTTP (no browser): authorize → /signin/:uid pages, with a minimal cookie jar, so many
// interactions can run at once and be spread over several server processes.

import { createHash, randomBytes } from 'node:crypto';

export interface RawFlow {
  /** Server origins the steps are sent to, in turn (the same flow may hop between processes). */
  origins: string[];
  cookies: Map<string, string>;
  uid: string;
  csrf: string;
  /** The HTML of the last page. */
  html: string;
  /** The PKCE verifier of the authorization request (startRawFlow), for the code exchange. */
  verifier?: string;
}

export interface RawResponse {
  status: number;
  location: string | null;
  html: string;
}

function remember(flow: Pick<RawFlow, 'cookies'>, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    flow.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
  }
}

const cookieHeader = (flow: Pick<RawFlow, 'cookies'>) => [...flow.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

async function send(
  flow: Pick<RawFlow, 'cookies'>,
  url: string,
  init: RequestInit & { forwardedFor?: string } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {
    cookie: cookieHeader(flow),
    ...(init.headers as Record<string, string> | undefined),
  };
  if (init.forwardedFor) headers['x-forwarded-for'] = init.forwardedFor;
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  remember(flow, res);
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

export function csrfOf(html: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no csrf field in page: ${html.slice(0, 300)}`);
  return m[1]!;
}

/** Starts an authorization request and follows it to the sign-in page; returns the flow at the username step. */
export async function startRawFlow(
  origins: string[],
  clientId: string,
  redirectUri: string,
  forwardedFor?: string,
  /** More (or other) authorization request parameters: scope, acr_values… */
  params: Record<string, string> = {},
): Promise<RawFlow> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const flow = { cookies: new Map<string, string>() };
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: randomBytes(8).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...params,
  });
  const start = await send(flow, `${origins[0]}/oauth2/v2.0/authorize?${query}`, { forwardedFor });
  if (start.status !== 303 && start.status !== 302)
    throw new Error(`authorize answered ${start.status}: ${start.html.slice(0, 300)}`);
  const path = new URL(start.location!, origins[0]).pathname;
  const uid = path.split('/').pop()!;
  const page = await send(flow, `${origins[0]}${path}`, { forwardedFor });
  return { origins, cookies: flow.cookies, uid, csrf: csrfOf(page.html), html: page.html, verifier };
}

/** Posts one form of the sign-in (action + fields) to `origin`. */
export async function postStep(
  flow: RawFlow,
  origin: string,
  action: string,
  fields: Record<string, string>,
  forwardedFor?: string,
): Promise<RawResponse> {
  const body = new URLSearchParams({ csrf: flow.csrf, action, ...fields }).toString();
  const res = await send(flow, `${origin}/signin/${flow.uid}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    forwardedFor,
  });
  flow.html = res.html;
  return res;
}

/** Asks the sign-in's WebAuthn options endpoint (JSON, same cookies and form token as the pages). */
export async function postPasskeyOptions(
  flow: RawFlow,
  origin: string,
  mode: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${origin}/signin/${flow.uid}/passkey/options`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: cookieHeader(flow) },
    body: JSON.stringify({ csrf: flow.csrf, mode }),
  });
  return { status: res.status, body: await res.json() };
}

/** GETs `url` with the flow's cookies, without following redirects (an authorization request on an existing session). */
export async function getWithCookies(flow: Pick<RawFlow, 'cookies'>, url: string): Promise<RawResponse> {
  return send(flow, url);
}

/**
 * Follows the redirects after the last sign-in step (the 303 it answered) back to the app, and returns the
 * authorization code; throws with the error the app would get instead.
 */
export async function codeAfterSignIn(flow: RawFlow, last: RawResponse, redirectUri: string): Promise<string> {
  let res = last;
  for (let hops = 0; hops < 5 && res.location; hops++) {
    const next = new URL(res.location, flow.origins[0]);
    if (`${next.origin}${next.pathname}` === redirectUri) {
      const code = next.searchParams.get('code');
      if (!code)
        throw new Error(`no code: ${next.searchParams.get('error')}: ${next.searchParams.get('error_description')}`);
      return code;
    }
    res = await send(flow, next.href);
  }
  throw new Error(`the sign-in did not return to ${redirectUri}: ${res.status} ${res.html.slice(0, 300)}`);
}

export interface TokenEndpointAnswer {
  status: number;
  body: {
    access_token?: string;
    refresh_token?: string;
    id_token?: string;
    error?: string;
    error_description?: string;
  };
}

/** One POST to the token endpoint with client_secret_basic, the answer as is (callers assert on errors too). */
export async function tokenRequest(
  origin: string,
  client: { clientId: string; secret: string },
  form: Record<string, string>,
): Promise<TokenEndpointAnswer> {
  const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.secret)}`).toString(
    'base64',
  );
  const res = await fetch(`${origin}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as TokenEndpointAnswer['body'] };
}
