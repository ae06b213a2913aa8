/**
 * A per-server in-memory storage adapter for oidc-provider. oidc-provider's bundled memory adapter
 * shares one module-level store between all providers in a process; tests start several servers at
 * once, so each server gets its own store. Clients live in the same store ("Client" model), which is
 * how `registerClient` adds clients at runtime. Every token-like value written is remembered so leak
 * scans can look for it later.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** Models whose id IS the secret value handed to the client (opaque format). */
const SECRET_MODELS = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode']);

interface Entry {
  payload: AdapterPayload;
  expiresAt: number; // epoch ms; Infinity = no expiry
}

export interface InMemoryStore {
  /** Adapter factory to pass as oidc-provider's `adapter` option. */
  readonly adapterFactory: (model: string) => Adapter;
  /** Adds or replaces a client's metadata (snake_case, as oidc-provider expects). */
  putClient(metadata: AdapterPayload & { client_id: string }): void;
  /** Every access token, refresh token and authorization code ever stored, in issue order. */
  issuedSecrets(): string[];
  /** Whether a value is one of the issued secrets (fast path for per-request leak scans). */
  isIssuedSecret(value: string): boolean;
}

export function createInMemoryStore(): InMemoryStore {
  const entries = new Map<string, Entry>();
  const grantMembers = new Map<string, Set<string>>();
  const sessionUidIndex = new Map<string, string>();
  const issued: string[] = [];
  const issuedSet = new Set<string>();

  const keyOf = (model: string, id: string): string => `${model}:${id}`;

  const read = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  class ServerAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const key = keyOf(this.model, id);
      const expiresAt =
        typeof expiresIn === 'number' && expiresIn > 0 ? Date.now() + expiresIn * 1000 : Infinity;
      if (SECRET_MODELS.has(this.model) && !issuedSet.has(id)) {
        issued.push(id);
        issuedSet.add(id);
      }
      entries.set(key, { payload, expiresAt });
      if (this.model === 'Session' && payload.uid) sessionUidIndex.set(payload.uid, id);
      if (payload.grantId) {
        const members = grantMembers.get(payload.grantId) ?? new Set<string>();
        members.add(key);
        grantMembers.set(payload.grantId, members);
      }
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return read(keyOf(this.model, id));
    }

    async findByUserCode(): Promise<AdapterPayload | undefined> {
      return undefined; // device flow is not used by these servers
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = sessionUidIndex.get(uid);
      return id === undefined ? undefined : read(keyOf(this.model, id));
    }

    async consume(id: string): Promise<void> {
      const entry = entries.get(keyOf(this.model, id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      entries.delete(keyOf(this.model, id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grantMembers.get(grantId) ?? []) entries.delete(key);
      grantMembers.delete(grantId);
    }
  }

  return {
    adapterFactory: (model: string) => new ServerAdapter(model),
    putClient(metadata) {
      entries.set(keyOf('Client', metadata.client_id), { payload: metadata, expiresAt: Infinity });
    },
    issuedSecrets: () => [...issued],
    isIssuedSecret: (value) => issuedSet.has(value),
  };
}
