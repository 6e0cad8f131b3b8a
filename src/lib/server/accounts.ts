import { and, count, eq } from 'drizzle-orm';
import { db } from './db';
import { account, trustedDevice } from './db/schema';
import { hashPassword, verifyAgainstNothing, verifyPassword } from './auth/passwords';
import { newId } from './ids';
import { createOfOne } from './firms';
import { RuleError } from './rules';

export interface AccountSummary {
	id: string;
	email: string;
	name: string;
	role: 'facilitator' | 'leader';
}

export function normaliseEmail(email: string): string {
	return email.trim().toLowerCase();
}

export async function total(): Promise<number> {
	const [row] = await db().select({ n: count() }).from(account);
	return row?.n ?? 0;
}

export async function createFacilitator(input: {
	email: string;
	name: string;
	password: string;
}): Promise<AccountSummary> {
	const email = normaliseEmail(input.email);
	const passwordHash = await hashPassword(input.password);
	const id = newId();
	// A new facilitator owns a firm of one; joining a colleague's firm later replaces it.
	const isCreated = await db().transaction(async (tx) => {
		const rows = await tx
			.insert(account)
			.values({ id, email, name: input.name.trim(), passwordHash, role: 'facilitator' })
			.onConflictDoNothing({ target: account.email })
			.returning({ id: account.id });
		if (rows.length === 0) return false;
		await createOfOne(tx, id, input.name.trim());
		return true;
	});
	if (!isCreated) {
		throw new RuleError(
			'An account with this email already exists. Sign in instead.',
			409,
			'email'
		);
	}
	return { id, email, name: input.name.trim(), role: 'facilitator' };
}

export async function findByEmail(email: string) {
	const [row] = await db()
		.select()
		.from(account)
		.where(eq(account.email, normaliseEmail(email)))
		.limit(1);
	return row;
}

/** The account for these credentials, or null; takes as long for unknown emails. */
export async function verifyCredentials(
	email: string,
	password: string
): Promise<AccountSummary | null> {
	const row = await findByEmail(email);
	if (!row || !row.passwordHash) {
		await verifyAgainstNothing(password);
		return null;
	}
	if (!(await verifyPassword(row.passwordHash, password))) return null;
	return { id: row.id, email: row.email, name: row.name, role: row.role };
}

export async function checkPassword(accountId: string, password: string): Promise<boolean> {
	const [row] = await db().select().from(account).where(eq(account.id, accountId)).limit(1);
	if (!row?.passwordHash) return false;
	return verifyPassword(row.passwordHash, password);
}

export async function changePassword(accountId: string, password: string): Promise<void> {
	await db()
		.update(account)
		.set({ passwordHash: await hashPassword(password), updatedAt: new Date() })
		.where(eq(account.id, accountId));
}

/**
 * The account behind this email that this device signed in to before, if any (by the
 * SHA-256 of the device cookie; see auth/device.ts).
 */
export async function knownDeviceAccount(
	email: string,
	deviceHash: string
): Promise<string | null> {
	const [row] = await db()
		.select({ id: account.id })
		.from(trustedDevice)
		.innerJoin(account, eq(account.id, trustedDevice.accountId))
		.where(and(eq(account.email, normaliseEmail(email)), eq(trustedDevice.deviceHash, deviceHash)))
		.limit(1);
	return row?.id ?? null;
}

/** Remembers that this device signed in to the account with its password. */
export async function rememberDevice(accountId: string, deviceHash: string): Promise<void> {
	await db().insert(trustedDevice).values({ accountId, deviceHash }).onConflictDoNothing();
}
