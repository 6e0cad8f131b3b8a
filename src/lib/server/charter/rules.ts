/** The charter's stored version and transaction types, and `CharterRuleError`. */
import type { Db } from '../db';
import type { charterVersion } from '../db/schema';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Version = typeof charterVersion.$inferSelect;

export class CharterRuleError extends Error {
	override name = 'CharterRuleError';
	constructor(
		message: string,
		readonly status: 400 | 403 | 404 | 409
	) {
		super(message);
	}
}
