import { randomBytes } from 'node:crypto';
import type { ChannelMapping, InitResult, LoginResult, Role, Shop } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { newId, sha256 } from '../../platform/ids';
import type { Principal } from '../../platform/auth';
import { hashPassword, verifyPassword } from './passwords';

const SESSION_DAYS = 7;

export interface CreateShopInput {
  name?: string;
  timezone?: string;
  currency?: string;
  ownerEmail?: string;
  ownerPassword?: string;
}

/** Shops (tenants), their operators, sessions and API keys. The only door to those tables. */
export class ShopService {
  private readonly keyCache = new Map<string, { principal: Principal | null; at: number }>();

  constructor(private readonly db: Db) {}

  async createShop(input: CreateShopInput = {}): Promise<InitResult> {
    const shopId = newId('shop', 12);
    const ownerPassword = input.ownerPassword ?? randomBytes(9).toString('base64url');
    const ownerEmail = (input.ownerEmail ?? `owner@${shopId.replace('_', '-')}.flywheel.local`).toLowerCase();
    const publishableKey = newId('pk', 32);
    const secretKey = newId('sk', 32);
    const passwordHash = await hashPassword(ownerPassword);
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('shops').values({ id: shopId, name: input.name ?? 'My shop', timezone: input.timezone ?? 'Asia/Shanghai', currency: input.currency ?? 'CNY' }).execute();
      let operator = await trx.selectFrom('operators').select(['id']).where('email', '=', ownerEmail).executeTakeFirst();
      if (!operator) {
        operator = { id: newId('op', 12) };
        await trx.insertInto('operators').values({ id: operator.id, email: ownerEmail, name: 'Owner', password_hash: passwordHash }).execute();
      }
      await trx.insertInto('shop_members').values({ shop_id: shopId, operator_id: operator.id, role: 'owner' }).execute();
      await trx.insertInto('api_keys').values([
        { id: newId('key', 12), shop_id: shopId, kind: 'publishable', key_hash: sha256(publishableKey), prefix: publishableKey.slice(0, 10), label: 'storefront' },
        { id: newId('key', 12), shop_id: shopId, kind: 'secret', key_hash: sha256(secretKey), prefix: secretKey.slice(0, 10), label: 'back-end' },
      ]).execute();
    });
    return { shopId, publishableKey, secretKey, ownerEmail, ownerPassword };
  }

  async getShop(shopId: string): Promise<Shop & { channelMapping: ChannelMapping | null }> {
    const row = await this.db.selectFrom('shops').selectAll().where('id', '=', shopId).executeTakeFirst();
    if (!row) throw new FlywheelError('not_found', `shop ${shopId} does not exist`);
    const mapping = typeof row.channel_mapping === 'string' ? JSON.parse(row.channel_mapping) : row.channel_mapping;
    return { id: row.id, name: row.name, timezone: row.timezone, currency: row.currency, createdAt: new Date(row.created_at).toISOString(), channelMapping: mapping ?? null };
  }

  async listShops(): Promise<Shop[]> {
    const rows = await this.db.selectFrom('shops').selectAll().orderBy('created_at').execute();
    return rows.map((row) => ({ id: row.id, name: row.name, timezone: row.timezone, currency: row.currency, createdAt: new Date(row.created_at).toISOString() }));
  }

  async updateShop(shopId: string, patch: { name?: string; timezone?: string; currency?: string }) {
    if (Object.keys(patch).length > 0) await this.db.updateTable('shops').set(patch).where('id', '=', shopId).execute();
    return this.getShop(shopId);
  }

  async setChannelMapping(shopId: string, mapping: ChannelMapping | null) {
    await this.db.updateTable('shops').set({ channel_mapping: mapping ? JSON.stringify(mapping) : null }).where('id', '=', shopId).execute();
  }

  async addOperator(shopId: string, input: { email: string; name: string; password: string; role: Role }) {
    const email = input.email.toLowerCase();
    const existing = await this.db.selectFrom('operators').select(['id']).where('email', '=', email).executeTakeFirst();
    const operatorId = existing?.id ?? newId('op', 12);
    await this.db.transaction().execute(async (trx) => {
      if (!existing) await trx.insertInto('operators').values({ id: operatorId, email, name: input.name, password_hash: await hashPassword(input.password) }).execute();
      const member = await trx.selectFrom('shop_members').select('role').where('shop_id', '=', shopId).where('operator_id', '=', operatorId).executeTakeFirst();
      if (member) throw new FlywheelError('conflict', `${email} is already a member of this shop`, 'email');
      await trx.insertInto('shop_members').values({ shop_id: shopId, operator_id: operatorId, role: input.role }).execute();
    });
    return { id: operatorId, email, name: input.name, role: input.role };
  }

  async listOperators(shopId: string) {
    return this.db
      .selectFrom('shop_members as m')
      .innerJoin('operators as o', 'o.id', 'm.operator_id')
      .select(['o.id', 'o.email', 'o.name', 'm.role'])
      .where('m.shop_id', '=', shopId)
      .orderBy('o.email')
      .execute();
  }

  async login(email: string, password: string, shopId?: string): Promise<LoginResult> {
    const operator = await this.db.selectFrom('operators').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    if (!operator || !(await verifyPassword(password, operator.password_hash))) {
      throw new FlywheelError('unauthenticated', 'email or password is wrong');
    }
    const shops = await this.db
      .selectFrom('shop_members as m')
      .innerJoin('shops as s', 's.id', 'm.shop_id')
      .select(['s.id', 's.name', 'm.role'])
      .where('m.operator_id', '=', operator.id)
      .orderBy('s.created_at')
      .execute();
    const chosen = shopId ? shops.find((s) => s.id === shopId) : shops[0];
    if (!chosen) throw new FlywheelError('forbidden', shopId ? `you are not a member of shop ${shopId}` : 'you are not a member of any shop', 'shopId');
    const token = newId('fws', 32);
    const expiresAt = new Date(Date.now() + SESSION_DAYS * 86400_000);
    await this.db.insertInto('operator_sessions').values({ token_hash: sha256(token), operator_id: operator.id, shop_id: chosen.id, expires_at: expiresAt }).execute();
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      operator: { id: operator.id, email: operator.email, name: operator.name },
      shopId: chosen.id,
      role: chosen.role,
      shops: shops.map((s) => ({ id: s.id, name: s.name, role: s.role })),
    };
  }

  async logout(token: string) {
    await this.db.deleteFrom('operator_sessions').where('token_hash', '=', sha256(token)).execute();
    this.keyCache.delete(token);
  }

  /** Resolves a bearer token (pk_, sk_ or an operator session) to its principal, or null. */
  async authenticate(token: string): Promise<Principal | null> {
    const cached = this.keyCache.get(token);
    if (cached && Date.now() - cached.at < 30_000) return cached.principal;
    let principal: Principal | null = null;
    const hash = sha256(token);
    if (token.startsWith('pk_') || token.startsWith('sk_')) {
      const key = await this.db.selectFrom('api_keys').select(['id', 'shop_id', 'kind']).where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
      if (key) principal = { kind: key.kind, shopId: key.shop_id, keyId: key.id };
    } else if (token.startsWith('fws_')) {
      const session = await this.db
        .selectFrom('operator_sessions as s')
        .innerJoin('shop_members as m', (j) => j.onRef('m.shop_id', '=', 's.shop_id').onRef('m.operator_id', '=', 's.operator_id'))
        .select(['s.operator_id', 's.shop_id', 'm.role', 's.expires_at'])
        .where('s.token_hash', '=', hash)
        .executeTakeFirst();
      if (session && new Date(session.expires_at) > new Date()) principal = { kind: 'operator', shopId: session.shop_id, operatorId: session.operator_id, role: session.role };
    }
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(token, { principal, at: Date.now() });
    return principal;
  }

  async createApiKey(shopId: string, kind: 'publishable' | 'secret', label?: string) {
    const key = newId(kind === 'publishable' ? 'pk' : 'sk', 32);
    const id = newId('key', 12);
    await this.db.insertInto('api_keys').values({ id, shop_id: shopId, kind, key_hash: sha256(key), prefix: key.slice(0, 10), label: label ?? null }).execute();
    return { id, kind, key };
  }

  async listApiKeys(shopId: string) {
    const rows = await this.db.selectFrom('api_keys').select(['id', 'kind', 'prefix', 'label', 'created_at', 'revoked_at']).where('shop_id', '=', shopId).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, kind: r.kind, prefix: r.prefix, label: r.label, createdAt: new Date(r.created_at).toISOString(), revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null }));
  }

  async revokeApiKey(shopId: string, keyId: string) {
    const result = await this.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('shop_id', '=', shopId).where('id', '=', keyId).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new FlywheelError('not_found', `no active API key ${keyId} in this shop`);
    this.keyCache.clear();
  }

  async audit(shopId: string, actor: string, action: string, detail?: unknown) {
    await this.db.insertInto('audit_log').values({ shop_id: shopId, actor, action, detail: detail === undefined ? null : JSON.stringify(detail) }).execute();
  }

  async listAudit(shopId: string, limit = 100) {
    return this.db.selectFrom('audit_log').select(['id', 'actor', 'action', 'detail', 'created_at']).where('shop_id', '=', shopId).orderBy('id', 'desc').limit(limit).execute();
  }
}
