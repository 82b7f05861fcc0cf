import { sql } from 'kysely';
import { DEFAULT_LOYALTY_PROGRAM, type LoyaltyProgram, type LoyaltyProgramResult } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import type { Trx } from '../../platform/jobs';

export interface ProgramVersion { version: number; effectiveFrom: Date | null; program: LoyaltyProgram }

const DEFAULT_VERSION: ProgramVersion = { version: 0, effectiveFrom: null, program: DEFAULT_LOYALTY_PROGRAM };

/**
 * A shop's program over time. A change is a new version applying from its time on: an order paid
 * before it earns by the rules it was paid under, a sign-in by the rules of its day; tiers are
 * decided by the thresholds in force when they are decided. Before a shop sets its own, the default
 * program applies (version 0, from the beginning).
 */
export class ProgramHistory {
  constructor(readonly versions: readonly ProgramVersion[]) {}

  /** The version in force at an instant. */
  versionAt(at: Date | number): ProgramVersion {
    const ms = typeof at === 'number' ? at : at.getTime();
    let found = DEFAULT_VERSION;
    for (const v of this.versions) if (v.effectiveFrom!.getTime() <= ms) found = v;
    return found;
  }

  at(at: Date | number): LoyaltyProgram {
    return this.versionAt(at).program;
  }

  current(): ProgramVersion {
    return this.versions.length > 0 ? this.versions[this.versions.length - 1] : DEFAULT_VERSION;
  }
}

const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as LoyaltyProgram;

export async function loadPrograms(db: Db | Trx, shopId: string): Promise<ProgramHistory> {
  const rows = await db.selectFrom('loyalty_programs').select(['version', 'effective_from', 'program']).where('shop_id', '=', shopId).orderBy('version').execute();
  return new ProgramHistory(rows.map((r) => ({ version: Number(r.version), effectiveFrom: new Date(r.effective_from as string), program: parse(r.program) })));
}

export function programResult(v: ProgramVersion): LoyaltyProgramResult {
  return { ...v.program, version: v.version, effectiveFrom: v.effectiveFrom?.toISOString() ?? null };
}

/** Adds a version applying from `now` on; versions of one shop are numbered in the order they commit. */
export async function saveProgram(db: Db, shopId: string, program: LoyaltyProgram, createdBy: string, now = new Date()): Promise<ProgramVersion> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`loyalty_program:${shopId}`}))`.execute(trx);
    const last = await trx.selectFrom('loyalty_programs').select(['version', 'effective_from']).where('shop_id', '=', shopId).orderBy('version', 'desc').limit(1).executeTakeFirst();
    const version = Number(last?.version ?? 0) + 1;
    // Versions apply in order even if a clock steps back: never before the one they replace.
    const effectiveFrom = last && new Date(last.effective_from as string) > now ? new Date(last.effective_from as string) : now;
    await trx.insertInto('loyalty_programs').values({ shop_id: shopId, version, program: JSON.stringify(program), effective_from: effectiveFrom.toISOString(), created_by: createdBy }).execute();
    return { version, effectiveFrom, program };
  });
}
