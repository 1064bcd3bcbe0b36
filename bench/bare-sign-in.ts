// The floor under a sign-in: a bare oidc-provider of the same version running the same authorization-code flow as
// Gatepass's bench sign-ins (authorize, a sign-in page, one posted step, the resume, the code exchange with an RS256
// ID token), on Gatepass's paths so that bench/sign-in-client.ts drives it unchanged. It stores nothing durably (the
// provider's in-memory adapter), checks no factor and renders a one-line page: what it costs per sign-in is the
// library's own share, which no change inside Gatepass can go below. Run as a child of bench/run.ts.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';
import { BARE_WEB_APP } from './bare-client.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', use: 'sig', alg: 'RS256' };

const server = http.createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const ttl = 600;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: BARE_WEB_APP.id,
      client_secret: BARE_WEB_APP.secret,
      redirect_uris: [BARE_WEB_APP.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  jwks: { keys: [jwk as never] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  routes: { authorization: '/oauth2/v2.0/authorize', token: '/oauth2/v2.0/token' },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (_ctx, interaction) => `/signin/${interaction.uid}` },
  ttl: { AccessToken: ttl, IdToken: ttl, AuthorizationCode: 60, Grant: ttl, Interaction: ttl, Session: ttl },
});
const callback = provider.callback();

server.on('request', (req, res) => {
  if (!req.url?.startsWith('/signin/')) return callback(req, res);
  void (async () => {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<form method="post"><input type="hidden" name="csrf" value="${details.uid}"></form>`);
      return;
    }
    for await (const _ of req); // the posted step, accepted unread
    const grant = new provider.Grant({ accountId: 'bench-user', clientId: BARE_WEB_APP.id });
    grant.addOIDCScope('openid');
    const result = { login: { accountId: 'bench-user' }, consent: { grantId: await grant.save() } };
    res.statusCode = 303;
    res.setHeader('location', await provider.interactionResult(req, res, result));
    res.end();
  })();
});

// The bench reads this process's CPU over IPC, as it reads the Gatepass server's (bench/server.ts).
process.on('message', () => {
  const usage = process.cpuUsage();
  process.send!({ type: 'cpu', micros: usage.user + usage.system });
});
process.send!({ type: 'ready', url: issuer });
process.once('SIGTERM', () => server.close(() => process.exit(0)));
