// The sign-in client of the bench: one end-to-end authorization-code sign-in over HTTP (authorize, the sign-in page's
// steps, the resume redirect, the code exchange), as a browser and a web app would make it, with its own cookie jar.

import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';

export type Step = { action: string; fields: Record<string, string> };
/** What a step that must ask the server first (a passkey's challenge) can do within its sign-in. */
export interface StepIO {
  passkeyOptions(mode: 'user' | 'discoverable'): Promise<unknown>;
}
export type StepSource = Step | ((io: StepIO) => Promise<Step>);

export interface Flow {
  name: string;
  /** argon2id verifies one sign-in spends. */
  verifies: number;
  /** The user of the i-th sign-in (a code is accepted once per step and app, so the code flow needs one user each). */
  upn: (i: number) => string;
  steps: (upn: string) => StepSource[];
}

class Jar {
  private readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
    }
  }
}

/** The requests of a sign-in, by what each does. */
export type RequestLabel = 'authorize' | 'sign-in page' | 'passkey options' | 'step' | 'resume' | 'code exchange';
/** Wraps each request of a sign-in (to read the server's CPU around it); the default just sends it. */
export type Observe = (label: RequestLabel, send: () => Promise<Response>) => Promise<Response>;
const sendOnly: Observe = (_label, send) => send();

async function request(jar: Jar, url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { cookie: jar.header(), ...(init.headers as Record<string, string>) },
  });
  jar.take(res);
  return res;
}

export async function signIn(
  origin: string,
  app: { appId: string; secret: string },
  redirectUri: string,
  upn: string,
  flow: Flow,
  observe: Observe = sendOnly,
): Promise<void> {
  const jar = new Jar();
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: app.appId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const start = await observe('authorize', () => request(jar, `${origin}/oauth2/v2.0/authorize?${query}`));
  const signinPath = new URL(start.headers.get('location')!, origin).pathname;
  await start.arrayBuffer();
  const page = await (await observe('sign-in page', () => request(jar, `${origin}${signinPath}`))).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  const io: StepIO = {
    async passkeyOptions(mode) {
      const res = await observe('passkey options', () =>
        request(jar, `${origin}${signinPath}/passkey/options`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ csrf, mode }),
        }),
      );
      if (res.status !== 200) throw new Error(`${flow.name}: passkey options answered ${res.status}`);
      return res.json();
    },
  };
  let last: Response | undefined;
  for (const source of flow.steps(upn)) {
    const step = typeof source === 'function' ? await source(io) : source;
    last = await observe('step', () =>
      request(jar, `${origin}${signinPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, action: step.action, ...step.fields }).toString(),
      }),
    );
    if (last.status !== 200 && last.status !== 303) {
      // The page's error message says why (a wrong pass, a refused step…), which a status alone does not.
      const shown = /id="error-summary"><p>([^<]*)</.exec(await last.text())?.[1]?.trim();
      throw new Error(`${flow.name}: ${step.action} answered ${last.status}${shown ? `: ${shown}` : ''}`);
    }
    if (last.status === 200) await last.arrayBuffer();
  }
  if (last?.status !== 303) throw new Error(`${flow.name}: the sign-in did not complete`);
  const location = last.headers.get('location')!;
  const resume = await observe('resume', () => request(jar, new URL(location, origin).href));
  const callback = new URL(resume.headers.get('location')!, origin);
  await resume.arrayBuffer();
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`${flow.name}: no code (${callback.href})`);
  const token = await observe('code exchange', () =>
    fetch(`${origin}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: app.appId,
        client_secret: app.secret,
        code_verifier: verifier,
      }),
    }),
  );
  if (token.status !== 200) throw new Error(`${flow.name}: token endpoint answered ${token.status}`);
  await token.arrayBuffer();
}

/** Sends an IPC request to a bench child and waits for its reply of type `reply`. */
export function ask<T>(child: ChildProcess, message: object, reply: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type !== reply) return;
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.send(message);
  });
}
