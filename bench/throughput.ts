// Requests per second on one pinned core, each figure beside its reference measured in the same run with the same
// load generator: Gatepass's token endpoint (client credentials, an RS256 JWT for Graph) beside a bare oidc-provider,
// and Graph's GET /v1.0/users/{id} beside a Fastify hello world. The server's CPU per request is reported too: the
// load generator runs on the other core, and against the hello world it, not the server, may be the limit.
// Both sides are measured in rounds that take turns (Gatepass, reference, Gatepass, …): a burst of someone else's
// load on the shared cores then falls on both sides alike, where two back-to-back runs of 10 s each moved the
// client-credentials ratio between 0.79 and 0.93 on one machine within an hour.

import { BARE_CLIENT } from './bare-client.js';
import { type LoadSamples, keepAliveClient, sampleLoad, summarize } from './load.js';
import { cpuMicrosOf, startChild, type Child } from './processes.js';

export interface ThroughputSettings {
  concurrency: number;
  warmupMs: number;
  /** Each side's measured time in all, split into `rounds` turns. */
  durationMs: number;
  rounds: number;
}

interface Side {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuMicrosPerRequest: number;
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

interface Target {
  server: { pid: number };
  call: () => Promise<unknown>;
}

/**
 * Warms each side up, then loads them in turns (`rounds` of `durationMs / rounds` each), reading each server's CPU
 * from /proc around its own turns only.
 */
async function measurePair(settings: ThroughputSettings, sides: [Target, Target]): Promise<[Side, Side]> {
  const load = (side: Target, durationMs: number) =>
    sampleLoad(settings.concurrency, { durationMs }, async () => void (await side.call()));
  for (const side of sides) await load(side, settings.warmupMs);
  const samples: [LoadSamples[], LoadSamples[]] = [[], []];
  const cpu = [0, 0];
  for (let round = 0; round < settings.rounds; round++)
    for (const [i, side] of sides.entries()) {
      const before = cpuMicrosOf(side.server.pid);
      samples[i]!.push(await load(side, settings.durationMs / settings.rounds));
      cpu[i]! += cpuMicrosOf(side.server.pid) - before;
    }
  const sideOf = (i: 0 | 1): Side => {
    const r = summarize(samples[i]);
    return {
      perSecond: r.perSecond,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      serverCpuMicrosPerRequest: Math.round(cpu[i]! / r.requests),
    };
  };
  return [sideOf(0), sideOf(1)];
}

const ratio = (a: number, b: number) => +(a / b).toFixed(3);

/** Client-credentials tokens per second: Gatepass (already running, pinned) and a bare provider it starts, in turns. */
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
  const bareServer = await startChild('bare-provider.ts', {});
  try {
    const [gp, bare] = await measurePair(settings, [
      {
        server: gatepass,
        call: tokenCall(
          `${gatepass.url}/oauth2/v2.0/token`,
          daemon.appId,
          daemon.secret,
          'https://graph.microsoft.com/.default',
        ),
      },
      {
        server: bareServer,
        call: tokenCall(`${bareServer.url}/token`, BARE_CLIENT.id, BARE_CLIENT.secret, 'User.Read.All'),
      },
    ]);
    return {
      gatepassPerSecond: gp.perSecond,
      barePerSecond: bare.perSecond,
      ratio: ratio(gp.perSecond, bare.perSecond),
      concurrency: settings.concurrency,
      durationMs: settings.durationMs,
      rounds: settings.rounds,
      gatepass: gp,
      bare,
    };
  } finally {
    await bareServer.stop();
    http.close();
  }
}

/** Graph GET /v1.0/users/{id} with an app token per second, and a Fastify hello world's, in turns on the same core. */
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
  const hello = await startChild('hello-world.ts', {});
  try {
    const [graph, floor] = await measurePair(settings, [
      {
        server: gatepass,
        call: () =>
          http.send({
            method: 'GET',
            url: `${gatepass.url}/v1.0/users/${userId}`,
            headers: { authorization: `Bearer ${token.access_token}` },
          }),
      },
      { server: hello, call: () => http.send({ method: 'GET', url: `${hello.url}/` }) },
    ]);
    return {
      perSecond: graph.perSecond,
      helloWorldPerSecond: floor.perSecond,
      ratio: ratio(graph.perSecond, floor.perSecond),
      concurrency: settings.concurrency,
      durationMs: settings.durationMs,
      rounds: settings.rounds,
      graph,
      helloWorld: floor,
    };
  } finally {
    await hello.stop();
    http.close();
  }
}
