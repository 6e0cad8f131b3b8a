/** Review dates: the next one (set, or the charter's cadence), whether it is due, and reminders. */
import { eq } from 'drizzle-orm';
import { nextReviewDate } from '../../domain/charter/content';
import * as charters from '../charter';
import * as clock from '../clock';
import { db } from '../db';
import { account, charter, reviewSchedule, workshop } from '../db/schema';
import { moduleLogger } from '../logger';
import * as mail from '../mail';
import { RuleError } from '../rules';

const log = moduleLogger('reviews');

/** The next review date: the one the facilitator set, else the signed charter's cadence. */
export async function nextReview(workshopId: string): Promise<string | null> {
	const [row] = await db()
		.select()
		.from(reviewSchedule)
		.where(eq(reviewSchedule.workshopId, workshopId));
	if (row?.nextReviewOn) return row.nextReviewOn;
	const signed = await charters.latestSigned(workshopId);
	return signed ? nextReviewDate(signed.content) : null;
}

export async function setNextReview(workshopId: string, date: string): Promise<void> {
	if (date < clock.today()) {
		throw new RuleError(
			`The next review date ${date} is in the past: choose today or a later day.`,
			400
		);
	}
	await db()
		.insert(reviewSchedule)
		.values({ workshopId, nextReviewOn: date })
		.onConflictDoUpdate({
			target: reviewSchedule.workshopId,
			set: { nextReviewOn: date, updatedAt: new Date() }
		});
}

/** Whether the review is due (its date has come) by the scheduling clock. */
export function isDue(nextReviewOn: string | null, at: Date = clock.now()): boolean {
	return nextReviewOn !== null && nextReviewOn <= clock.today(at);
}

/**
 * Sends the reminders that have come due: to the facilitator and every leader with a live
 * invitation, once per review date. Runs on a schedule in the server (server/runtime.ts) and
 * at start-up; `at` is the scheduling clock's time. Without mail configured nothing is sent
 * (the overview shows the date as due) and nothing is marked, so a reminder goes once mail is
 * set up. Returns the workshops reminded.
 */
export async function sendDueReminders(at: Date = clock.now()): Promise<string[]> {
	if (!mail.isMailConfigured()) return [];
	const signedWorkshops = await db()
		.selectDistinct({ id: workshop.id, title: workshop.title, email: account.email })
		.from(workshop)
		.innerJoin(account, eq(account.id, workshop.ownerId))
		.innerJoin(charter, eq(charter.workshopId, workshop.id));
	const reminded: string[] = [];
	for (const w of signedWorkshops) {
		const date = await nextReview(w.id);
		if (!isDue(date, at)) continue;
		const [schedule] = await db()
			.select()
			.from(reviewSchedule)
			.where(eq(reviewSchedule.workshopId, w.id));
		if (schedule?.remindedFor === date) continue;
		const leaders = await charters.activeInvites(db(), w.id);
		const to = [w.email, ...leaders.map((l) => l.email)];
		const text = [
			`The charter of “${w.title}” is due for review on ${date}.`,
			'',
			'The facilitator starts a review session from the charter page: each clause gets an anonymous pulse (still holds, needs a change, not working), and clauses the room wants changed become the next version to sign.'
		].join('\n');
		try {
			for (const address of new Set(to)) {
				await mail.send({ to: address, subject: `Charter review due: ${w.title}`, text });
			}
		} catch (error) {
			log.error({ err: error, workshopId: w.id }, 'review reminder could not be sent');
			continue;
		}
		await db()
			.insert(reviewSchedule)
			.values({ workshopId: w.id, remindedFor: date })
			.onConflictDoUpdate({
				target: reviewSchedule.workshopId,
				set: { remindedFor: date, updatedAt: new Date() }
			});
		reminded.push(w.id);
	}
	return reminded;
}
