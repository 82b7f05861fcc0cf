import { z } from 'zod';
import { currencyCode, roles } from './common';
import { changeConventions } from './metric-catalog';

export const shop = z.object({
  id: z.string(),
  name: z.string(),
  timezone: z.string(),
  currency: currencyCode,
  /** How changes are coloured: red_up (涨红跌绿, the default) or good_green (good news green, bad news red). */
  changeColours: z.enum(changeConventions),
  createdAt: z.string(),
});
export type Shop = z.infer<typeof shop>;

export const shopSettingsUpdate = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  timezone: z
    .string()
    .refine((tz) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; } }, { error: 'must be an IANA time zone such as Asia/Shanghai' })
    .optional(),
  currency: currencyCode.optional(),
  changeColours: z.enum(changeConventions).optional(),
});

export const initResult = z.object({
  shopId: z.string(),
  publishableKey: z.string(),
  secretKey: z.string(),
  ownerEmail: z.string(),
  ownerPassword: z.string(),
});
export type InitResult = z.infer<typeof initResult>;

export const loginRequest = z.object({
  email: z.string().trim().toLowerCase().min(3),
  password: z.string().min(1),
  shopId: z.string().optional(),
});
export const loginResult = z.object({
  token: z.string(),
  expiresAt: z.string(),
  operator: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  shopId: z.string(),
  role: z.enum(roles),
  shops: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(roles) })),
});
export type LoginResult = z.infer<typeof loginResult>;

const email = z.email({ error: 'must be an email address' }).max(254).transform((s) => s.toLowerCase());

/**
 * Adding an operator invites them: an account belongs to its holder, so a shop never sets or learns
 * anything of an existing one. The person accepts with `POST /v1/auth/accept-invitation`.
 */
export const operatorCreate = z.object({
  email,
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(roles),
  password: z.undefined({ error: 'the person sets their own password when they accept the invitation' }).optional(),
});

export const invitation = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(roles),
  expiresAt: z.string(),
  createdAt: z.string(),
});
/** The answer to adding an operator: the same whether or not the email has an account already. */
export const invitationCreated = invitation.extend({
  /** Shown once: give it to the person (the console shows the link to copy). */
  token: z.string(),
  acceptPath: z.string(),
});

export const invitationAccept = z.object({
  token: z.string().min(1).max(200),
  /** Their existing password when the email has an account, else the new account's password (at least 8 characters). */
  password: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(200).optional(),
});

export const shopSwitch = z.object({ shopId: z.string().min(1).max(100) });

export const operator = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(roles) });

export const apiKeyKinds = ['publishable', 'secret'] as const;
export const apiKeyCreate = z.object({ kind: z.enum(apiKeyKinds), label: z.string().max(200).optional() });
export const apiKey = z.object({ id: z.string(), kind: z.enum(apiKeyKinds), prefix: z.string(), label: z.string().nullable(), createdAt: z.string(), revokedAt: z.string().nullable() });

/** The answer of calls that only confirm (logout, revoke, delete). */
export const okResult = z.object({ ok: z.literal(true) });

/** `GET /v1/me`: who is calling, for which shop, with which role. */
export const whoAmI = z.object({
  kind: z.enum(['publishable', 'secret', 'operator']),
  shopId: z.string(),
  keyId: z.string().optional(),
  operatorId: z.string().optional(),
  role: z.enum(roles).optional(),
  shop,
});
export type WhoAmI = z.infer<typeof whoAmI>;

/** A new key: the key itself is in this answer only. */
export const apiKeyCreated = z.object({ id: z.string(), kind: z.enum(apiKeyKinds), key: z.string() });
export type ApiKeyCreated = z.infer<typeof apiKeyCreated>;
export type ApiKey = z.infer<typeof apiKey>;
export type Operator = z.infer<typeof operator>;
export type Invitation = z.infer<typeof invitation>;
export type InvitationCreated = z.infer<typeof invitationCreated>;

export const auditEntry = z.object({ id: z.number().int(), actor: z.string(), action: z.string(), detail: z.unknown(), createdAt: z.string() });
export const auditLog = z.array(auditEntry);
