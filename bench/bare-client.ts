// The clients of the bare oidc-provider references (bench/bare-provider.ts, bench/bare-sign-in.ts), known to both
// those children and the load generator.

export const BARE_CLIENT = { id: 'bench-daemon', secret: 'bench-daemon-secret-0123456789abcdef' };
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/** The one web app of the bare sign-in floor (bench/bare-sign-in.ts). */
export const BARE_WEB_APP = {
  id: 'bench-web',
  secret: 'bench-web-secret-0123456789abcdef',
  redirectUri: 'http://127.0.0.1/bench-callback',
};
