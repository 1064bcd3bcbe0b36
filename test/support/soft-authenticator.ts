// A software WebAuthn authenticator for tests and benchmarks that run without a browser: a P-256 key per credential,
// attestation "none", user presence and verification flags, and a signature counter the test controls (to play a
// cloned authenticator, or a synced passkey whose counter is always 0). Its answers are the JSON a browser posts.

import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/** The minimal CBOR (RFC 8949) a "none" attestation needs: maps, text and byte strings, integers. */
function cbor(value: unknown): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (value instanceof Map)
    return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  throw new Error(`cbor: unsupported value ${String(value)}`);
}

const b64url = (b: Buffer) => b.toString('base64url');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export interface SoftCredential {
  id: Buffer;
  privateKey: KeyObject;
  userHandle: string;
  rpId: string;
  /** The next assertion reports this counter (then it is increased by `counterStep`). */
  signCount: number;
  /** 0 plays a synced passkey that never counts. */
  counterStep: number;
}

export interface SoftAuthenticatorOptions {
  origin: string;
  /** Whether the authenticator verifies the user (PIN, biometrics). Default true. */
  userVerified?: boolean;
  /** Backup-eligible and backed up (a synced passkey). Default true. */
  synced?: boolean;
}

interface CreationOptionsJSON {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
  excludeCredentials?: { id: string }[];
}

interface RequestOptionsJSON {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  constructor(private readonly options: SoftAuthenticatorOptions) {}

  private flags(extra: number): number {
    const synced = this.options.synced ?? true;
    return FLAG_UP | (this.options.userVerified === false ? 0 : FLAG_UV) | (synced ? FLAG_BE | FLAG_BS : 0) | extra;
  }

  private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.options.origin, crossOrigin: false }));
  }

  /** navigator.credentials.create(): refuses like a browser when one of excludeCredentials is held here. */
  create(options: CreationOptionsJSON, counterStep = 1): Record<string, unknown> {
    const rpId = options.rp.id ?? new URL(this.options.origin).hostname;
    const excluded = new Set((options.excludeCredentials ?? []).map((c) => c.id));
    if (this.credentials.some((c) => c.rpId === rpId && excluded.has(b64url(c.id))))
      throw new Error('InvalidStateError: the authenticator already holds one of excludeCredentials');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = cbor(
      new Map<number, unknown>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const id = randomBytes(32);
    const credential: SoftCredential = {
      id,
      privateKey,
      userHandle: options.user.id,
      rpId,
      signCount: counterStep === 0 ? 0 : 1,
      counterStep,
    };
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([this.flags(FLAG_AT)]),
      counterBytes(0),
      Buffer.alloc(16),
      idLength,
      id,
      cose,
    ]);
    const attestationObject = cbor(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    this.credentials.push(credential);
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge)),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get(): the first credential allowed (any for a discoverable request), or `pick`. */
  get(options: RequestOptionsJSON, pick?: SoftCredential): Record<string, unknown> {
    const rpId = options.rpId ?? new URL(this.options.origin).hostname;
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const credential =
      pick ??
      this.credentials.find((c) => c.rpId === rpId && (allowed.size === 0 || allowed.has(b64url(c.id)))) ??
      (() => {
        throw new Error('NotAllowedError: no credential for this request');
      })();
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags(0)]), counterBytes(credential.signCount)]);
    credential.signCount += credential.counterStep;
    const clientDataJSON = this.clientData('webauthn.get', options.challenge);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

function counterBytes(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
