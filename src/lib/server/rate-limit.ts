/**
 * Rate limits and throttles kept in the database, so every instance on one database sees the
 * same count and a restart does not reset an attack.
 *
 * Every attempt is claimed (counted) by one atomic statement before the work it guards is
 * done: a burst of concurrent requests cannot all pass a check made before any of them was
 * counted. A claim that turns out not to count (a correct password for a per-address count of
 * failures, a join code that exists) is given back with `refund`.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import { db } from './db';
import { rateLimit } from './db/schema';

/** At most `max` claims per key in a window of `windowMs` that starts with the first claim. */
export interface Limit {
	max: number;
	windowMs: number;
}

/**
 * Growing delays instead of a lockout (OWASP Authentication Cheat Sheet): `free` attempts go
 * through at once; after that each attempt must wait `baseDelayMs` doubled for every attempt
 * beyond `free`, up to `maxDelayMs`. A key left alone for `forgetAfterMs` starts afresh.
 */
export interface Backoff {
	free: number;
	baseDelayMs: number;
	maxDelayMs: number;
	forgetAfterMs: number;
}

export type Claim = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Sign-in attempts per account (email), from devices that never signed in to it. */
export const SIGN_IN_ACCOUNT: Backoff = {
	free: 5,
	baseDelayMs: 1000,
	maxDelayMs: 15 * 60 * 1000,
	forgetAfterMs: 60 * 60 * 1000
};
/**
 * Sign-in attempts per account from one device that signed in to it before: its own count,
 * so a guesser elsewhere does not slow the owner down.
 */
export const SIGN_IN_KNOWN_DEVICE: Backoff = SIGN_IN_ACCOUNT;
/**
 * Failed sign-ins per client address, across emails. More free attempts and a short longest
 * delay: an office, a conference network, or a proxy without ADDRESS_HEADER puts many people
 * behind one address, and this must slow a guesser down without shutting them all out.
 */
export const SIGN_IN_ADDRESS: Backoff = {
	free: 20,
	baseDelayMs: 1000,
	maxDelayMs: 60 * 1000,
	forgetAfterMs: 15 * 60 * 1000
};

/**
 * Join codes that do not exist, per client address. A whole room may share one public
 * address (or, behind a proxy without ADDRESS_HEADER, everyone does), so only wrong codes
 * count, and past the free ones the address waits a growing delay of at most a minute rather
 * than being shut out: someone guessing gets about one code a minute, the room behind the same
 * address waits a minute at worst. While it waits, the address may look up no code at all
 * (otherwise its answers would still tell right codes from wrong ones).
 */
export const JOIN_GUESSES_PER_ADDRESS: Backoff = {
	free: 30,
	baseDelayMs: 5000,
	maxDelayMs: 60 * 1000,
	forgetAfterMs: 10 * 60 * 1000
};

/**
 * Password-reset requests per address asked for: each sends a mail, so a stranger may not
 * flood someone's inbox. Counted whether or not the address has an account (a different
 * answer would say which addresses do).
 */
export const RESET_REQUESTS_PER_EMAIL: Limit = { max: 3, windowMs: 60 * 60 * 1000 };

/** Password-reset requests per client address: one person asking about many addresses. */
export const RESET_REQUESTS_PER_ADDRESS: Limit = { max: 10, windowMs: 60 * 60 * 1000 };

/**
 * Joins per workshop per minute: a room of 300 joining at once behind one conference address
 * fits twice over. `JOINS_PER_WORKSHOP_PER_MINUTE` changes it (benchmarks join thousands).
 */
export const JOINS_PER_WORKSHOP: Limit = {
	max: positiveInteger(process.env.JOINS_PER_WORKSHOP_PER_MINUTE) ?? 600,
	windowMs: 60 * 1000
};

function positiveInteger(raw: string | undefined): number | undefined {
	if (!raw) return undefined;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1) {
		throw new Error(`JOINS_PER_WORKSHOP_PER_MINUTE must be a whole number above 0, got "${raw}".`);
	}
	return n;
}

const ms = (n: number) => sql`(${n}::float8 * interval '1 millisecond')`;

/** The delay, as an interval, after `count` attempts. */
function delayAfter(count: SQL, backoff: Backoff): SQL {
	return sql`case when ${count} < ${backoff.free} then interval '0' else least(${ms(backoff.maxDelayMs)}, ${ms(backoff.baseDelayMs)} * power(2, least(${count} - ${backoff.free}, 30))) end`;
}

/**
 * Claims one attempt under a growing delay. Refused while the delay set by the previous
 * attempts runs; the refused attempt itself is not counted (it did nothing).
 */
export async function claimAttempt(key: string, backoff: Backoff): Promise<Claim> {
	const forgotten = sql`(${rateLimit.nextAllowedAt} + ${ms(backoff.forgetAfterMs)} <= clock_timestamp())`;
	const count = sql`case when ${forgotten} then 1 else ${rateLimit.count} + 1 end`;
	const claimed = await db()
		.insert(rateLimit)
		.values({
			key,
			count: 1,
			windowStartedAt: sql`clock_timestamp()`,
			nextAllowedAt: sql`clock_timestamp() + ${delayAfter(sql`1`, backoff)}`
		})
		.onConflictDoUpdate({
			target: rateLimit.key,
			set: {
				count,
				windowStartedAt: sql`case when ${forgotten} then clock_timestamp() else ${rateLimit.windowStartedAt} end`,
				nextAllowedAt: sql`clock_timestamp() + ${delayAfter(count, backoff)}`
			},
			setWhere: sql`${rateLimit.nextAllowedAt} <= clock_timestamp()`
		})
		.returning({ count: rateLimit.count });
	if (claimed.length > 0) return { allowed: true };
	return { allowed: false, retryAfterMs: await waitFor(key, sql`${rateLimit.nextAllowedAt}`) };
}

/** Claims one of `limit.max` slots in the key's current window. */
export async function claimSlot(key: string, limit: Limit): Promise<Claim> {
	const expired = sql`(${rateLimit.windowStartedAt} + ${ms(limit.windowMs)} <= clock_timestamp())`;
	const claimed = await db()
		.insert(rateLimit)
		.values({ key, count: 1, windowStartedAt: sql`clock_timestamp()` })
		.onConflictDoUpdate({
			target: rateLimit.key,
			set: {
				count: sql`case when ${expired} then 1 else ${rateLimit.count} + 1 end`,
				windowStartedAt: sql`case when ${expired} then clock_timestamp() else ${rateLimit.windowStartedAt} end`
			},
			setWhere: sql`${expired} or ${rateLimit.count} < ${limit.max}`
		})
		.returning({ count: rateLimit.count });
	if (claimed.length > 0) return { allowed: true };
	return {
		allowed: false,
		retryAfterMs: await waitFor(key, sql`${rateLimit.windowStartedAt} + ${ms(limit.windowMs)}`)
	};
}

/**
 * How long the key must still wait under a growing delay, without claiming anything (0 when
 * it need not): for requests that must be refused while a key waits but never count.
 */
export async function pendingWait(key: string): Promise<number> {
	const [row] = await db()
		.select({
			ms: sql<number>`extract(epoch from (${rateLimit.nextAllowedAt} - clock_timestamp())) * 1000`
		})
		.from(rateLimit)
		.where(eq(rateLimit.key, key))
		.limit(1);
	const ms = Number(row?.ms ?? 0);
	return ms > 0 ? Math.ceil(ms) : 0;
}

async function waitFor(key: string, until: SQL): Promise<number> {
	const [row] = await db()
		.select({
			ms: sql<number>`greatest(0, extract(epoch from (${until} - clock_timestamp())) * 1000)::float8`
		})
		.from(rateLimit)
		.where(eq(rateLimit.key, key))
		.limit(1);
	// The row can only vanish if it was reset in between: then there is nothing to wait for,
	// but the caller was refused; a second is the honest smallest wait to state.
	return Math.max(1000, Math.ceil(Number(row?.ms ?? 0)));
}

/**
 * Gives back one claim that turned out not to count. Under a growing delay the delay falls
 * back to what the remaining count deserves, so successes never slow anyone down.
 */
export async function refund(key: string, backoff?: Backoff): Promise<void> {
	const count = sql`greatest(${rateLimit.count} - 1, 0)`;
	await db()
		.update(rateLimit)
		.set({
			count,
			...(backoff
				? {
						nextAllowedAt: sql`least(${rateLimit.nextAllowedAt}, clock_timestamp() + ${delayAfter(count, backoff)})`
					}
				: {})
		})
		.where(eq(rateLimit.key, key));
}

export async function reset(key: string): Promise<void> {
	await db().delete(rateLimit).where(eq(rateLimit.key, key));
}

/** "14 minutes", "40 seconds": the wait stated in words people read on a phone. */
export function describeWait(ms: number): string {
	const seconds = Math.max(1, Math.ceil(ms / 1000));
	if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
	const minutes = Math.ceil(seconds / 60);
	return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
