/** The charter's stored version and transaction types. */
import type { Db } from '../db';
import type { charterVersion } from '../db/schema';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Version = typeof charterVersion.$inferSelect;
