// oidc-provider's storage adapter over the store: ids kept only as keyed hashes, payloads encrypted (the format is
// payload-format.ts), and clients read from the applications table (their secrets are checked by our hash, see
// provider.ts, against the hashes client-cache.ts read with the client). The one file outside src/store and
// src/services that uses a repository: it is oidc-provider's storage layer, one repository call per adapter method,
// so a service in between would only forward (docs/architecture.md).

import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { type ApplicationMetadata, validSecretHashes } from '../services/applications.js';
import { type ClientCache, createClientCache } from '../services/client-cache.js';
import type { Deps } from '../services/deps.js';
import { createOidcPayloadsRepo } from '../store/repos/oidc-payloads.js';
import { idHashesOf, idHashOf, openPayload, sealPayload } from './payload-format.js';

/** Client metadata for an application, with the keyed hashes of its secrets valid now. */
export type ClientMetadataOf = (app: ApplicationMetadata, secretHashes: string[]) => AdapterPayload;

type AdapterDeps = Pick<Deps, 'db' | 'keyring' | 'clock'>;

/** A model's records in oidc_payloads. */
class PayloadAdapter implements Adapter {
  // Made once: deps.db is the root handle, never a transaction, and a repo is a dozen closures to make.
  private readonly repo: ReturnType<typeof createOidcPayloadsRepo>;

  constructor(
    private readonly model: string,
    private readonly deps: AdapterDeps,
  ) {
    this.repo = createOidcPayloadsRepo(deps.db);
  }

  private hashes(value: string): string[] {
    return idHashesOf(this.deps.keyring, value);
  }

  private hash(value: string): string {
    return idHashOf(this.deps.keyring, value);
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    // The candidates come current key first (Keyring.keyedHashCandidates): one HMAC per key, none computed twice.
    const [idHash, ...retired] = this.hashes(id) as [string, ...string[]];
    // A stale row stored under a retired key's hash would shadow nothing, but would linger: drop it.
    const older = retired.filter((h) => h !== idHash);
    if (older.length > 0) await this.repo.deletePayload(this.model, older);
    const { consumed: _consumed, ...rest } = payload;
    await this.repo.upsertPayload({
      model: this.model,
      idHash,
      sealed: sealPayload(this.deps.keyring, this.model, idHash, rest),
      grantIdHash: typeof payload.grantId === 'string' ? this.hash(payload.grantId) : null,
      uidHash: typeof payload.uid === 'string' ? this.hash(payload.uid) : null,
      userCodeHash: typeof payload.userCode === 'string' ? this.hash(payload.userCode) : null,
      accountId: typeof payload.accountId === 'string' ? payload.accountId : null,
      viaTap: Array.isArray(payload.amr) && payload.amr.includes('tap'),
      expiresAt: expiresIn ? this.now() + expiresIn * 1000 : null,
    });
  }

  private open(
    found: { idHash: string; sealed: string; consumedAt: number | null } | undefined,
  ): AdapterPayload | undefined {
    if (!found) return undefined;
    const payload = openPayload(this.deps.keyring, this.model, found.idHash, found.sealed);
    return found.consumedAt === null ? payload : { ...payload, consumed: Math.floor(found.consumedAt / 1000) };
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.open(await this.repo.findPayload(this.model, this.hashes(id), this.now()));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.open(await this.repo.findPayloadBy(this.model, 'uid_hash', this.hashes(uid), this.now()));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.open(await this.repo.findPayloadBy(this.model, 'user_code_hash', this.hashes(userCode), this.now()));
  }

  /**
   * oidc-provider checks `consumed` on the record it read, then calls consume(): parallel requests all read it
   * unconsumed. The conditional update lets exactly one of them win; a loser is a reuse, answered as oidc-provider
   * answers a reuse it sees: the whole grant revoked (the winner's tokens included) and invalid_grant.
   */
  async consume(id: string): Promise<void> {
    if (await this.repo.consumePayload(this.model, this.hashes(id), this.now())) return;
    const record = await this.find(id);
    if (typeof record?.grantId === 'string') await this.repo.revokeGrant(this.hashes(record.grantId));
    throw new errors.InvalidGrant(
      `${this.model === 'RefreshToken' ? 'refresh token' : 'authorization code'} already used`,
    );
  }

  async destroy(id: string): Promise<void> {
    await this.repo.deletePayload(this.model, this.hashes(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.repo.deleteByGrant(this.model, this.hashes(grantId));
  }
}

/** Clients are the applications table, checked at every lookup so that a change made by another process holds at once. */
class ClientAdapter implements Adapter {
  constructor(
    private readonly deps: AdapterDeps,
    private readonly clients: ClientCache,
    private readonly metadataOf: ClientMetadataOf,
  ) {}

  async find(clientId: string): Promise<AdapterPayload | undefined> {
    const client = await this.clients.find(clientId);
    return client && this.metadataOf(client.app, validSecretHashes(client.secrets, this.deps.clock.now().getTime()));
  }

  private refuse(): never {
    throw new Error('clients are managed through Gatepass applications, not oidc-provider');
  }

  async upsert(): Promise<void> {
    this.refuse();
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async consume(): Promise<void> {
    this.refuse();
  }
  async destroy(): Promise<void> {
    this.refuse();
  }
  async revokeByGrantId(): Promise<void> {}
}

export function createAdapterFactory(deps: AdapterDeps, metadataOf: ClientMetadataOf): (model: string) => Adapter {
  const clients = createClientCache(deps);
  return (model) =>
    model === 'Client' ? new ClientAdapter(deps, clients, metadataOf) : new PayloadAdapter(model, deps);
}
