// Requests per second on one pinned core, each figure beside its reference measured in the same run with the same
// load generator: Gatepass's token endpoint (client credentials, an RS256 JWT for Graph) beside a bare oidc-provider,
// and Graph's GET /v1.0/users/{id} beside a Fastify hello world. The server's CPU per request is reported too: the
// load generator runs on the other core, and against the hello world it, not the server, may be the limit.

import { BARE_CLIENT } from './bare-client.js';
import { keepAliveClient, runLoad } from './load.js';
import { cpuMicrosOf, startChild, type Child } from './processes.js';

export interface ThroughputSettings {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

interface Side {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuMicrosPerRequest: number;
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** Warms up, then loads `server` with `call` for the set duration, reading its CPU from /proc around the run. */
async function measure(
  server: { pid: number },
  settings: ThroughputSettings,
  call: () => Promise<unknown>,
): Promise<Side> {
  await runLoad(settings.concurrency, { durationMs: settings.warmupMs }, async () => void (await call()));
  const cpuBefore = cpuMicrosOf(server.pid);
  const r = await runLoad(settings.concurrency, { durationMs: settings.durationMs }, async () => void (await call()));
  const cpu = cpuMicrosOf(server.pid) - cpuBefore;
  return {
    perSecond: r.perSecond,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    serverCpuMicrosPerRequest: Math.round(cpu / r.requests),
  };
}

const ratio = (a: number, b: number) => +(a / b).toFixed(3);

/** Client-credentials tokens per second: Gatepass (already running, pinned) first, then a bare provider it starts. */
export async function measureClientCredentials(
  gatepass: Child,
  daemon: { appId: string; secret: string },
  settings: ThroughputSettings,
) {
  const http = keepAliveClient(settings.concurrency);
  const tokenCall = (url: string, id: string, secret: string, scope: string) => () =>
    http.send({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(id, secret) },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
    });
  const gp = await measure(
    gatepass,
    settings,
    tokenCall(`${gatepass.url}/oauth2/v2.0/token`, daemon.appId, daemon.secret, 'https://graph.microsoft.com/.default'),
  );
  const bareServer = await startChild('bare-provider.ts', {});
  try {
    const bare = await measure(
      bareServer,
      settings,
      tokenCall(`${bareServer.url}/token`, BARE_CLIENT.id, BARE_CLIENT.secret, 'User.Read.All'),
    );
    return {
      gatepassPerSecond: gp.perSecond,
      barePerSecond: bare.perSecond,
      ratio: ratio(gp.perSecond, bare.perSecond),
      concurrency: settings.concurrency,
      durationMs: settings.durationMs,
      gatepass: gp,
      bare,
    };
  } finally {
    await bareServer.stop();
    http.close();
  }
}

/** Graph GET /v1.0/users/{id} with an app token per second, then a Fastify hello world's, on the same core. */
export async function measureGraphGetUser(
  gatepass: Child,
  daemon: { appId: string; secret: string },
  userId: string,
  settings: ThroughputSettings,
) {
  const http = keepAliveClient(settings.concurrency);
  const token = JSON.parse(
    await http.send({
      method: 'POST',
      url: `${gatepass.url}/oauth2/v2.0/token`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(daemon.appId, daemon.secret),
      },
      body: 'grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default',
    }),
  ) as { access_token: string };
  const graph = await measure(gatepass, settings, () =>
    http.send({
      method: 'GET',
      url: `${gatepass.url}/v1.0/users/${userId}`,
      headers: { authorization: `Bearer ${token.access_token}` },
    }),
  );
  const hello = await startChild('hello-world.ts', {});
  try {
    const floor = await measure(hello, settings, () => http.send({ method: 'GET', url: `${hello.url}/` }));
    return {
      perSecond: graph.perSecond,
      helloWorldPerSecond: floor.perSecond,
      ratio: ratio(graph.perSecond, floor.perSecond),
      concurrency: settings.concurrency,
      durationMs: settings.durationMs,
      graph,
      helloWorld: floor,
    };
  } finally {
    await hello.stop();
    http.close();
  }
}
