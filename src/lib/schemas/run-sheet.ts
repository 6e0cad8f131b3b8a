import * as v from 'valibot';
import { MAX_NOTES_LENGTH, MAX_PLANNED_MINUTES } from '../domain/run-sheet';
import { stageKeyField } from './stages';

const plannedMinutes = v.nullable(
	v.pipe(
		v.number('Give the planned duration as a number of minutes, or leave it empty.'),
		v.integer('Give the planned duration as a whole number of minutes.'),
		v.minValue(1, 'A planned duration is at least 1 minute.'),
		v.maxValue(MAX_PLANNED_MINUTES, `A planned duration is at most ${MAX_PLANNED_MINUTES} minutes.`)
	)
);

const notes = v.pipe(
	v.string('Write the notes as text.'),
	v.maxLength(
		MAX_NOTES_LENGTH,
		`Notes hold at most ${MAX_NOTES_LENGTH} characters: shorten them or split them across stages.`
	)
);

const startsAt = v.nullable(
	v.pipe(
		v.string('Give the start of the day as a date and time.'),
		v.isoTimestamp('Give the start of the day as a date and time (e.g. 2027-03-04T09:00:00Z).')
	)
);

/** What the console's run-sheet sends: one stage's plan and notes, or the day's start. */
export const runSheetChange = v.variant(
	'action',
	[
		v.object({ action: v.literal('stage'), stageKey: stageKeyField, plannedMinutes, notes }),
		v.object({ action: v.literal('dayStart'), startsAt })
	],
	'Say what to change: stage or dayStart.'
);
