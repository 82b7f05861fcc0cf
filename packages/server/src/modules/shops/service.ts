import { randomBytes } from 'node:crypto';
import type { ChangeConvention, ChannelMapping, InitResult, LoginResult, Role, Shop } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { newId, sha256 } from '../../platform/ids';
import type { Principal } from '../../platform/auth';
import { LoginLimits } from './login-limits';
import { hashPassword, verifyPassword } from './passwords';

export const SESSION_DAYS = 7;
const INVITATION_DAYS = 7;

/** The stored form of a password nobody has: an unknown email is checked against it at the same cost. */
let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomBytes(16).toString('hex')));

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
  private readonly limits: LoginLimits;

  constructor(private readonly db: Db) {
    this.limits = new LoginLimits(db);
  }

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
        // No name until the person gives one: the console shows the email rather than an English "Owner".
        await trx.insertInto('operators').values({ id: operator.id, email: ownerEmail, name: '', password_hash: passwordHash }).execute();
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
    return { id: row.id, name: row.name, timezone: row.timezone, currency: row.currency, changeColours: row.change_colours, createdAt: new Date(row.created_at).toISOString(), channelMapping: mapping ?? null };
  }

  async listShops(): Promise<Shop[]> {
    const rows = await this.db.selectFrom('shops').selectAll().orderBy('created_at').execute();
    return rows.map((row) => ({ id: row.id, name: row.name, timezone: row.timezone, currency: row.currency, changeColours: row.change_colours, createdAt: new Date(row.created_at).toISOString() }));
  }

  async updateShop(shopId: string, patch: { name?: string; timezone?: string; currency?: string; changeColours?: ChangeConvention }) {
    const { changeColours, ...rest } = patch;
    const columns = { ...rest, ...(changeColours ? { change_colours: changeColours } : {}) };
    if (Object.keys(columns).length > 0) await this.db.updateTable('shops').set(columns).where('id', '=', shopId).execute();
    return this.getShop(shopId);
  }

  async setChannelMapping(shopId: string, mapping: ChannelMapping | null) {
    await this.db.updateTable('shops').set({ channel_mapping: mapping ? JSON.stringify(mapping) : null }).where('id', '=', shopId).execute();
  }

  /**
   * Invites a person to the shop by email. The answer is the same whether or not the email has an
   * account: a shop never sets, learns or reveals anything of an account it does not hold.
   */
  async inviteOperator(shopId: string, input: { email: string; role: Role }, invitedBy: string) {
    const email = input.email.toLowerCase();
    const token = newId('inv', 32);
    const id = newId('invite', 12);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86400_000);
    await this.db.insertInto('operator_invitations').values({ id, shop_id: shopId, email, role: input.role, token_hash: sha256(token), invited_by: invitedBy, created_at: now, expires_at: expiresAt }).execute();
    return { id, email, role: input.role, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString(), token, acceptPath: `/accept-invitation?token=${token}` };
  }

  async listInvitations(shopId: string) {
    const rows = await this.db.selectFrom('operator_invitations').select(['id', 'email', 'role', 'created_at', 'expires_at'])
      .where('shop_id', '=', shopId).where('accepted_at', 'is', null).where('revoked_at', 'is', null).where('expires_at', '>', new Date())
      .orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, createdAt: new Date(r.created_at).toISOString(), expiresAt: new Date(r.expires_at).toISOString() }));
  }

  async revokeInvitation(shopId: string, id: string) {
    const result = await this.db.updateTable('operator_invitations').set({ revoked_at: new Date() })
      .where('shop_id', '=', shopId).where('id', '=', id).where('accepted_at', 'is', null).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new FlywheelError('not_found', `no open invitation ${id} in this shop`);
  }

  /**
   * The invited person accepts: with an account's own password when the email has one (so nobody
   * else can accept it for them), else by choosing the new account's password. Logs them in to the shop.
   */
  async acceptInvitation(input: { token: string; password: string; name?: string }, address: string): Promise<LoginResult> {
    const invite = await this.db.selectFrom('operator_invitations').selectAll().where('token_hash', '=', sha256(input.token)).executeTakeFirst();
    if (!invite || invite.accepted_at || invite.revoked_at || new Date(invite.expires_at) <= new Date()) {
      throw new FlywheelError('not_found', 'this invitation does not exist, was used or revoked, or has expired; ask the shop owner for a new one', 'token');
    }
    const existing = await this.db.selectFrom('operators').select(['id', 'password_hash']).where('email', '=', invite.email).executeTakeFirst();
    if (existing) {
      // Accepting with an existing account is a login: limited like one.
      const attempt = await this.limits.begin(invite.email, address);
      if (!(await verifyPassword(input.password, existing.password_hash))) {
        throw new FlywheelError('unauthenticated', 'this email already has a Flywheel account: enter that account’s password to accept', 'password');
      }
      await this.limits.succeeded(attempt);
    }
    if (!existing && input.password.length < 8) throw new FlywheelError('invalid_field', 'password: must be at least 8 characters', 'password');
    const operatorId = existing?.id ?? newId('op', 12);
    const passwordHash = existing ? null : await hashPassword(input.password);
    await this.db.transaction().execute(async (trx) => {
      const claimed = await trx.updateTable('operator_invitations').set({ accepted_at: new Date() }).where('id', '=', invite.id).where('accepted_at', 'is', null).executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) throw new FlywheelError('conflict', 'this invitation was accepted already', 'token');
      if (passwordHash) await trx.insertInto('operators').values({ id: operatorId, email: invite.email, name: input.name ?? invite.email.split('@')[0], password_hash: passwordHash }).execute();
      await trx.insertInto('shop_members').values({ shop_id: invite.shop_id, operator_id: operatorId, role: invite.role })
        .onConflict((oc) => oc.columns(['shop_id', 'operator_id']).doNothing()).execute();
    });
    await this.audit(invite.shop_id, `operator:${operatorId}`, 'operator.join', { invitationId: invite.id, role: invite.role });
    return this.openSession(operatorId, invite.shop_id);
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

  /**
   * Logs an operator in. Failed attempts are limited per account and per address; an unknown email
   * costs the same scrypt as a known one, so the answer's time tells nothing.
   */
  async login(email: string, password: string, shopId: string | undefined, address: string): Promise<LoginResult> {
    const normalised = email.toLowerCase();
    const attempt = await this.limits.begin(normalised, address);
    const operator = await this.db.selectFrom('operators').select(['id', 'password_hash']).where('email', '=', normalised).executeTakeFirst();
    const ok = await verifyPassword(password, operator?.password_hash ?? (await dummyHash()));
    if (!operator || !ok) throw new FlywheelError('unauthenticated', 'email or password is wrong');
    await this.limits.succeeded(attempt);
    return this.openSession(operator.id, shopId);
  }

  /** A new session of the same operator in another of their shops (the console's shop switcher). */
  async switchShop(operatorId: string, shopId: string): Promise<LoginResult> {
    return this.openSession(operatorId, shopId);
  }

  private async openSession(operatorId: string, shopId?: string): Promise<LoginResult> {
    const operator = await this.db.selectFrom('operators').select(['id', 'email', 'name']).where('id', '=', operatorId).executeTakeFirstOrThrow();
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
    const rows = await this.db.selectFrom('audit_log').select(['id', 'actor', 'action', 'detail', 'created_at']).where('shop_id', '=', shopId).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: Number(r.id), actor: r.actor, action: r.action, detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail, createdAt: new Date(r.created_at).toISOString() }));
  }
}
