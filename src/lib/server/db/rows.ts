/**
 * The two reads every part of a workshop makes of its own table: all its rows in their order
 * (stages by position, teams by position, versions by number…), and one row by id that must
 * belong to the workshop, so that an id from another workshop finds nothing.
 */
import { and, asc, eq, type InferSelectModel } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { db } from '.';

type WorkshopTable = PgTable & { workshopId: PgColumn };

/** Every row of the workshop in `table`, ordered by `order`. */
export async function ofWorkshop<T extends WorkshopTable>(
	table: T,
	workshopId: string,
	order: PgColumn
): Promise<InferSelectModel<T>[]> {
	// `select()` of a table gives its select model; drizzle cannot infer that for a generic table.
	return (await db()
		.select()
		.from(table as PgTable)
		.where(eq(table.workshopId, workshopId))
		.orderBy(asc(order))) as InferSelectModel<T>[];
}

/** The row `id` of `table` if it belongs to the workshop. */
export async function inWorkshop<T extends WorkshopTable & { id: PgColumn }>(
	table: T,
	workshopId: string,
	id: string
): Promise<InferSelectModel<T> | undefined> {
	const [row] = (await db()
		.select()
		.from(table as PgTable)
		.where(and(eq(table.id, id), eq(table.workshopId, workshopId)))) as InferSelectModel<T>[];
	return row;
}
