// Sign-in efficiency: seeds a directory with one user (and app) per flow, then measures the server process's CPU
// (process.cpuUsage over IPC) across N sign-ins per flow and the same flow on a bare oidc-provider, in rounds that take
// turns, and argon2id's cost per verify in that same process between the rounds, so the CPU everything but argon2id
// costs per sign-in can be told apart.

import type { ChildProcess } from 'node:child_process';
import type * as OTPAuth from 'otpauth';
import { loadConfig } from '../src/config/load.js';
import { userActor } from '../src/domain/audit.js';
import { systemClock } from '../src/domain/clock.js';
import { openRuntime } from '../src/runtime.js';
import { createApplication } from '../src/services/applications.js';
import { passkeyRegistrationOptions, registerPasskey } from '../src/services/passkeys.js';
import { setSecurityDefaults } from '../src/services/security-defaults.js';
import { issueTemporaryAccessPass } from '../src/services/temporary-access-passes.js';
import { createUser } from '../src/services/users.js';
import { enrolAuthenticatorApp } from '../test/support/authenticator-app.js';
import { SoftAuthenticator } from '../test/support/soft-authenticator.js';
import { BARE_WEB_APP } from './bare-client.js';
import { startChild } from './processes.js';
import {
  ask,
  type Flow,
  type Observe,
  type RequestLabel,
  type Step,
  type StepSource,
  signIn,
} from './sign-in-client.js';

export interface SignInDirectory {
  flows: Flow[];
  webApp: { appId: string; secret: string };
  redirectUri: string;
  /** A client-credentials app holding User.Read.All, for the token-endpoint and Graph figures. */
  daemon: { appId: string; secret: string };
  /** A user Graph's GET /users/{id} reads. */
  someUserId: string;
}

/** Seeds the store `env` names through the services (as the CLI would), for `signIns + warmup` sign-ins per flow. */
export async function seedSignInDirectory(
  env: Record<string, string>,
  signIns: number,
  warmup: number,
): Promise<SignInDirectory> {
  // Set-up runs a minute in the past: the code that confirms each authenticator app is of an earlier time step than the
  // codes the sign-ins send, which are therefore not replays.
  const runtime = await openRuntime({ config: loadConfig(env), clock: systemClock(-60) });
  const { deps } = runtime;
  const ctx = { actor: { kind: 'cli' as const, osUser: 'bench' }, correlationId: 'bench', ipAddress: null };
  await setSecurityDefaults(deps, ctx, true);
  const redirectUri = 'http://127.0.0.1/bench-callback';
  const { app, secret } = await createApplication(deps, ctx, {
    displayName: 'Bench',
    kind: 'web',
    redirectUris: [redirectUri],
  });
  const domain = deps.tenant.defaultDomain;
  const password = 'a long benchmark passphrase';
  await createUser(deps, ctx, { userPrincipalName: `solo@${domain}`, displayName: 'Pass only' });
  await createUser(deps, ctx, { userPrincipalName: `duo@${domain}`, displayName: 'Password and pass', password });
  // 'access': the flows end with a code for the bench's app (a set-up pass would open Security info only).
  const multiUse = { lifetimeInMinutes: 480, isUsableOnce: false, purpose: 'access' };
  const solo = (await issueTemporaryAccessPass(deps, ctx, `solo@${domain}`, multiUse)).temporaryAccessPass;
  const duo = (await issueTemporaryAccessPass(deps, ctx, `duo@${domain}`, multiUse)).temporaryAccessPass;
  const apps = new Map<string, OTPAuth.TOTP>();
  for (let i = 0; i < warmup + signIns; i++) {
    const user = await createUser(deps, ctx, {
      userPrincipalName: `code${i}@${domain}`,
      displayName: `Password and code ${i}`,
      password,
    });
    const { totp } = await enrolAuthenticatorApp(deps, ctx, user, 'Bench');
    apps.set(user.userPrincipalName, totp);
  }
  // A passkey held by a software authenticator (P-256, as platform authenticators use); its origin is the issuer.
  const keyHolder = await createUser(deps, ctx, { userPrincipalName: `key@${domain}`, displayName: 'Passkey' });
  const authenticator = new SoftAuthenticator({ origin: deps.config.issuer });
  const created = authenticator.create((await passkeyRegistrationOptions(deps, keyHolder)) as never);
  const userCtx = { ...ctx, actor: userActor(keyHolder, null) };
  await registerPasskey(deps, userCtx, keyHolder, { credential: JSON.stringify(created), displayName: 'Bench key' });
  const flows: Flow[] = [
    {
      name: 'pass alone',
      upn: () => `solo@${domain}`,
      verifies: 1,
      steps: (upn): Step[] => [
        { action: 'username', fields: { username: upn } },
        { action: 'tap', fields: { tap: solo } },
      ],
    },
    {
      name: 'password + pass',
      upn: () => `duo@${domain}`,
      verifies: 2,
      steps: (upn): Step[] => [
        { action: 'username', fields: { username: upn } },
        { action: 'password', fields: { password } },
        { action: 'tap', fields: { tap: duo } },
      ],
    },
    {
      name: 'password + code',
      upn: (i) => `code${i}@${domain}`,
      verifies: 1,
      steps: (upn): Step[] => [
        { action: 'username', fields: { username: upn } },
        { action: 'password', fields: { password } },
        { action: 'otp', fields: { otp: apps.get(upn)!.generate() } },
      ],
    },
    {
      // No username typed: "Sign in with a passkey" on the first page (a discoverable credential).
      name: 'passkey alone',
      upn: () => `key@${domain}`,
      verifies: 0,
      steps: (): StepSource[] => [
        async (io) => ({
          action: 'passkeyDiscoverable',
          fields: { credential: JSON.stringify(authenticator.get((await io.passkeyOptions('discoverable')) as never)) },
        }),
      ],
    },
  ];
  const daemon = await createApplication(deps, ctx, {
    displayName: 'Bench daemon',
    kind: 'daemon',
    permissions: ['User.Read.All'],
  });
  const someUserId = (await createUser(deps, ctx, { userPrincipalName: `read@${domain}`, displayName: 'Read me' })).id;
  await runtime.close();
  return {
    flows,
    webApp: { appId: app.appId, secret: secret.secretText },
    redirectUri,
    daemon: { appId: daemon.app.appId, secret: daemon.secret.secretText },
    someUserId,
  };
}

export interface SignInRow {
  flow: string;
  signIns: number;
  argon2VerifiesPerSignIn: number;
  serverCpuMsPerSignIn: number;
  argon2CpuMsPerSignIn: number;
  nonHashingCpuMsPerSignIn: number;
  argon2Share: number;
  argon2CpuMsPerVerify: number;
  wallMsPerSignIn: number;
}

/** A bench child's own CPU (user + system, all threads), in microseconds, asked over IPC. */
const cpuMicrosOf = async (child: ChildProcess) =>
  (await ask<{ micros: number }>(child, { type: 'cpu' }, 'cpu')).micros;

/** The bare oidc-provider's sign-in (bench/bare-sign-in.ts), started beside Gatepass on the same core. */
export interface BareSignIn {
  child: ChildProcess;
  run(observe?: Observe): Promise<void>;
  stop(): Promise<void>;
}

export async function startBareSignIn(): Promise<BareSignIn> {
  const bare = await startChild('bare-sign-in.ts', {});
  const flow: Flow = {
    name: 'bare oidc-provider',
    verifies: 0,
    upn: () => 'bench-user',
    steps: () => [{ action: 'continue', fields: {} }],
  };
  const app = { appId: BARE_WEB_APP.id, secret: BARE_WEB_APP.secret };
  return {
    child: bare.process,
    run: (observe) => signIn(bare.url, app, BARE_WEB_APP.redirectUri, 'bench-user', flow, observe),
    stop: () => bare.stop(),
  };
}

export interface SignInSettings {
  signIns: number;
  warmup: number;
  /** The sign-ins of each flow and of the floor are split into this many rounds that take turns. */
  rounds: number;
}

/**
 * Every flow on Gatepass and the same flow on the bare provider, in rounds that take turns: each round runs its
 * share of every flow's sign-ins, then as many on the bare provider, so that load from elsewhere on the shared cores
 * falls on every figure alike (a flow measured alone, one after another, moved by up to 40% between runs). argon2id's
 * cost drifts with that load too: it is measured in the server process before every round and after the last, and
 * each round's sign-ins are charged the mean of the two figures around it.
 */
export async function measureSignIns(
  child: ChildProcess,
  origin: string,
  directory: SignInDirectory,
  bare: BareSignIn,
  settings: SignInSettings,
): Promise<{ rows: SignInRow[]; calibrations: number[]; bareCpuMsPerSignIn: number }> {
  const { flows, webApp: app, redirectUri } = directory;
  const { signIns, warmup, rounds } = settings;
  const calibrate = async () =>
    (await ask<{ microsPerVerify: number }>(child, { type: 'calibrate', rounds: 30 }, 'calibrated')).microsPerVerify;
  for (const flow of flows)
    for (let i = 0; i < warmup; i++) await signIn(origin, app, redirectUri, flow.upn(signIns + i), flow);
  for (let i = 0; i < warmup; i++) await bare.run();

  const totals = flows.map(() => ({ cpu: 0, argon: 0, wallMs: 0 }));
  let bareCpu = 0;
  const calibrations = [await calibrate()];
  let done = 0;
  for (let round = 0; round < rounds; round++) {
    const count = Math.round(((round + 1) * signIns) / rounds) - done;
    for (const [f, flow] of flows.entries()) {
      const before = await cpuMicrosOf(child);
      const started = process.hrtime.bigint();
      for (let i = done; i < done + count; i++) await signIn(origin, app, redirectUri, flow.upn(i), flow);
      totals[f]!.wallMs += Number(process.hrtime.bigint() - started) / 1e6;
      totals[f]!.cpu += (await cpuMicrosOf(child)) - before;
    }
    const bareBefore = await cpuMicrosOf(bare.child);
    for (let i = 0; i < count; i++) await bare.run();
    bareCpu += (await cpuMicrosOf(bare.child)) - bareBefore;
    calibrations.push(await calibrate());
    const microsPerVerify = (calibrations[round]! + calibrations[round + 1]!) / 2;
    for (const [f, flow] of flows.entries()) totals[f]!.argon += microsPerVerify * flow.verifies * count;
    done += count;
  }
  const meanPerVerify = calibrations.reduce((a, b) => a + b, 0) / calibrations.length;
  const rows = flows.map((flow, f): SignInRow => {
    const { cpu, argon, wallMs } = totals[f]!;
    return {
      flow: flow.name,
      signIns,
      argon2VerifiesPerSignIn: flow.verifies,
      serverCpuMsPerSignIn: +(cpu / signIns / 1000).toFixed(2),
      argon2CpuMsPerSignIn: +(argon / signIns / 1000).toFixed(2),
      nonHashingCpuMsPerSignIn: +((cpu - argon) / signIns / 1000).toFixed(2),
      argon2Share: +(argon / cpu).toFixed(3),
      argon2CpuMsPerVerify: +((flow.verifies > 0 ? argon / flow.verifies / signIns : meanPerVerify) / 1000).toFixed(2),
      wallMsPerSignIn: +(wallMs / signIns).toFixed(1),
    };
  });
  return { rows, calibrations, bareCpuMsPerSignIn: +(bareCpu / signIns / 1000).toFixed(2) };
}

/** CPU-ms per sign-in spent answering each kind of request (a label absent from a flow is absent here). */
export type RequestCpu = Partial<Record<RequestLabel, number>>;

export interface SignInFloor {
  signIns: number;
  /** Taken in turns with the sign-in figures, in these rounds. */
  rounds: number;
  /** The bare oidc-provider's CPU per sign-in of the same flow (bench/bare-sign-in.ts). */
  bareCpuMsPerSignIn: number;
  /** Request by request, the passkey-alone flow on Gatepass and the bare flow, each read around every request. */
  byRequest: { gatepass: RequestCpu; bare: RequestCpu };
}

/**
 * `signIns` runs of a sign-in with the server's CPU read over IPC around every request; the cost of one read,
 * measured first, is taken off each figure. Slower than measureSignIns (two reads a request), so run apart from it.
 */
async function measureByRequest(
  child: ChildProcess,
  run: (observe: Observe) => Promise<void>,
  signIns: number,
): Promise<RequestCpu> {
  const cpu = () => cpuMicrosOf(child);
  const first = await cpu();
  for (let i = 0; i < 20; i++) await cpu();
  const perRead = ((await cpu()) - first) / 21;
  const totals: RequestCpu = {};
  for (let i = 0; i < signIns; i++)
    await run(async (label, send) => {
      const before = await cpu();
      const res = await send();
      await res.clone().arrayBuffer(); // the whole answer, so writing it counts for this request
      totals[label] = (totals[label] ?? 0) + (await cpu()) - before - perRead;
      return res;
    });
  const perSignIn: RequestCpu = {};
  for (const [label, micros] of Object.entries(totals) as [RequestLabel, number][])
    perSignIn[label] = +(micros / signIns / 1000).toFixed(2);
  return perSignIn;
}

/** Gatepass's passkey-alone sign-in, request by request: beside the bare floor's, it shows what Gatepass adds where. */
export function measureGatepassByRequest(
  child: ChildProcess,
  origin: string,
  directory: SignInDirectory,
  signIns: number,
): Promise<RequestCpu> {
  const flow = directory.flows.find((f) => f.name === 'passkey alone')!;
  const { webApp: app, redirectUri } = directory;
  return measureByRequest(child, (observe) => signIn(origin, app, redirectUri, flow.upn(0), flow, observe), signIns);
}

/**
 * The same end-to-end flow on the bare oidc-provider, request by request (pinned to the same core, measured the same
 * way): the part of a sign-in's non-hashing CPU that is oidc-provider's own and Node's HTTP, which no change inside
 * Gatepass removes.
 */
export function measureBareByRequest(bare: BareSignIn, signIns: number): Promise<RequestCpu> {
  return measureByRequest(bare.child, (observe) => bare.run(observe), signIns);
}
