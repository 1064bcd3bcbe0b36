// A browser-like cookie jar over fetch for the /my pages and the sign-in pages they lead to, and a real /my sign-in
// with a Temporary Access Pass through those pages (authorize → /signin/:uid → /my/callback).

import assert from 'node:assert/strict';

export interface Page {
  status: number;
  location: string | null;
  html: string;
  setCookies: string[];
  headers: Headers;
}

export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly origin: string) {}

  async go(path: string, form?: Record<string, string>): Promise<Page> {
    const url = new URL(path, this.origin);
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    const init: RequestInit = { redirect: 'manual', headers };
    if (form) {
      Object.assign(init, { method: 'POST', body: new URLSearchParams(form).toString() });
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(url, init);
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const value = pair!.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '')
        this.cookies.delete(pair!.slice(0, eq).trim());
      else this.cookies.set(pair!.slice(0, eq).trim(), value);
    }
    return {
      status: res.status,
      location: res.headers.get('location'),
      html: await res.text(),
      setCookies,
      headers: res.headers,
    };
  }

  /** Follows redirects on this server; stops at the first page (or a redirect elsewhere). */
  async follow(page: Page): Promise<Page & { path: string }> {
    let current = page;
    let path = '';
    for (let hops = 0; (current.status === 302 || current.status === 303) && current.location; hops += 1) {
      assert.ok(hops < 15, 'too many redirects');
      const next = new URL(current.location, this.origin);
      if (next.origin !== this.origin) break;
      path = next.pathname + next.search;
      current = await this.go(path);
    }
    return { ...current, path };
  }

  /** A copy of this browser's cookies in another browser (what a thief who copied them holds). */
  copy(): Browser {
    const other = new Browser(this.origin);
    for (const [k, v] of this.cookies) other.cookies.set(k, v);
    return other;
  }
}

export const csrfOf = (html: string) =>
  /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? assert.fail(`no csrf in ${html.slice(0, 200)}`);

/**
 * Opens `path` (a /my page, or an authorization request URL) and follows the sign-in it asks for, stopping at the
 * first sign-in page (its uid and form token).
 */
export async function startMySignIn(
  browser: Browser,
  path = '/my',
): Promise<{ uid: string; csrf: string; page: Page & { path: string } }> {
  const page = await browser.follow(await browser.go(path));
  assert.match(page.path, /^\/signin\//, `a sign-in page, not ${page.path}: ${page.html.slice(0, 200)}`);
  return { uid: page.path.split('/').pop()!.split('?')[0]!, csrf: csrfOf(page.html), page };
}

/**
 * Signs in to /my as `upn` with the pass `pass` (picked among the offered methods, as "Sign in another way" does),
 * through the pages;
 * returns the /my page it lands on. `beforeCallback` may change the browser's cookies before /my/callback runs.
 */
export async function signInToMyWithPass(
  browser: Browser,
  upn: string,
  pass: string,
  options: { beforeCallback?: () => unknown; path?: string; password?: string } = {},
): Promise<Page & { path: string }> {
  const { uid, csrf } = await startMySignIn(browser, options.path);
  const post = (action: string, fields: Record<string, string>) =>
    browser.go(`/signin/${uid}`, { csrf, action, ...fields });
  const afterName = await post('username', { username: upn });
  // Password first for a user who has one (the default flow); the pass is asked for next.
  if (/<h1 id="page-title">Enter password<\/h1>/.test(afterName.html)) {
    const afterPassword = await post('password', {
      password: options.password ?? assert.fail(`${upn} has a password: pass it in options.password`),
    });
    assert.match(
      afterPassword.html,
      /<h1 id="page-title">Enter Temporary Access Pass<\/h1>/,
      afterPassword.html.slice(0, 300),
    );
  }
  let step = await post('tap', { tap: pass });
  assert.equal(step.status, 303, `the pass completes the sign-in: ${step.html.slice(0, 300)}`);
  // Up to the provider's redirect to /my/callback, then the callback itself.
  for (
    let hops = 0;
    step.location && !new URL(step.location, 'http://x').pathname.startsWith('/my/callback');
    hops += 1
  ) {
    assert.ok(hops < 10, 'too many redirects before the callback');
    step = await browser.go(step.location);
  }
  assert.ok(step.location, `redirected to /my/callback: ${step.status} ${step.html.slice(0, 200)}`);
  await options.beforeCallback?.();
  return browser.follow(step);
}
