// The Microsoft Graph JS client pointed at a test server over plain http. Its AuthenticationHandler drops the
// Authorization header for any host that is not Graph's over https (STACK.md), so the chain is our own: one
// middleware that adds the bearer token, then the SDK's HTTP handler.

import { Client, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';

export function graphJsClient(origin: string, token: string): Client {
  const http = new HTTPMessageHandler();
  const auth: Middleware = {
    async execute(ctx: Context) {
      ctx.options ??= {};
      ctx.options.headers = {
        ...((ctx.options.headers as Record<string, string> | undefined) ?? {}),
        Authorization: `Bearer ${token}`,
      };
      return http.execute(ctx);
    },
  };
  // The origin only: the SDK adds the version.
  return Client.initWithMiddleware({ middleware: auth, baseUrl: `${origin}/`, defaultVersion: 'v1.0' });
}
