/**
 * Fixed-window failure counters kept in the database, so every instance on one database
 * sees the same count and a restart does not reset an attack.
 */
import { eq, sql } from 'drizzle-orm';
import { db } from './db';
import { rateLimit } from './db/schema';

export interface Limit {
	max: number;
	windowMs: number;
}

/** Failed sign-ins per account (email), whoever tries. */
export const SIGN_IN_ACCOUNT_LIMIT: Limit = { max: 10, windowMs: 15 * 60 * 1000 };
/**
 * Failed sign-ins per client address, across emails. Higher than the account limit: an
 * office or conference network puts many people behind one address.
 */
export const SIGN_IN_ADDRESS_LIMIT: Limit = { max: 30, windowMs: 15 * 60 * 1000 };

/** Milliseconds until `key` may try again, or 0 when it is under its limit. */
export async function retryAfter(key: string, limit: Limit): Promise<number> {
	const [row] = await db().select().from(rateLimit).where(eq(rateLimit.key, key)).limit(1);
	if (!row) return 0;
	const windowEnds = row.windowStartedAt.getTime() + limit.windowMs;
	if (windowEnds <= Date.now() || row.count < limit.max) return 0;
	return windowEnds - Date.now();
}

/** Counts one failure; starts a new window when the old one has run out. */
export async function recordFailure(key: string, limit: Limit): Promise<void> {
	const now = new Date();
	const windowStart = new Date(now.getTime() - limit.windowMs);
	await db()
		.insert(rateLimit)
		.values({ key, count: 1, windowStartedAt: now })
		.onConflictDoUpdate({
			target: rateLimit.key,
			set: {
				count: sql`case when ${rateLimit.windowStartedAt} <= ${windowStart.toISOString()}::timestamptz then 1 else ${rateLimit.count} + 1 end`,
				windowStartedAt: sql`case when ${rateLimit.windowStartedAt} <= ${windowStart.toISOString()}::timestamptz then ${now.toISOString()}::timestamptz else ${rateLimit.windowStartedAt} end`
			}
		});
}

export async function reset(key: string): Promise<void> {
	await db().delete(rateLimit).where(eq(rateLimit.key, key));
}

/** "14 minutes", "40 seconds": the wait stated in words people read on a phone. */
export function describeWait(ms: number): string {
	const seconds = Math.ceil(ms / 1000);
	if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
	const minutes = Math.ceil(seconds / 60);
	return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
