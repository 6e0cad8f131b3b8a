import * as v from 'valibot';
import { MAX_TIMEBOX_MINUTES } from '../domain/stages';
import { STAGE_KINDS } from '../domain/template';
import { requiredText } from './text';

const title = requiredText(
	80,
	'Give the stage a title.',
	'Use at most 80 characters for the title.'
);
const prompt = v.pipe(
	v.string(),
	v.trim(),
	v.maxLength(2000, 'Use at most 2000 characters for the prompt.')
);
const timeboxMinutes = v.pipe(
	v.string(),
	v.trim(),
	v.nonEmpty('Give a timebox in minutes.'),
	v.regex(/^\d+$/, 'Give the timebox as a whole number of minutes.'),
	v.transform(Number),
	v.minValue(1, 'A timebox is at least 1 minute.'),
	v.maxValue(MAX_TIMEBOX_MINUTES, `A timebox is at most ${MAX_TIMEBOX_MINUTES} minutes.`)
);
const stageKey = v.pipe(v.string(), v.nonEmpty('Say which stage.'));

/** A stage named in a JSON control (live run, projector). */
export const stageKeyField = v.pipe(
	v.string('Say which stage.'),
	v.nonEmpty('Say which stage.'),
	v.maxLength(64)
);

export const updateStageFields = ['stageKey', 'title', 'prompt', 'timeboxMinutes'] as const;
export const updateStageSchema = v.object({ stageKey, title, prompt, timeboxMinutes });

export const addStageFields = ['title', 'kind', 'prompt', 'timeboxMinutes'] as const;
export const addStageSchema = v.object({
	title,
	kind: v.picklist(STAGE_KINDS, 'Choose what kind of stage to add.'),
	prompt,
	timeboxMinutes
});

export const moveStageFields = ['stageKey', 'to'] as const;
export const moveStageSchema = v.object({
	stageKey,
	to: v.pipe(
		v.string(),
		v.regex(/^\d+$/, 'Give the new position as a number.'),
		v.transform((s) => Number(s) - 1)
	)
});

export const stageKeyFields = ['stageKey'] as const;
export const stageKeySchema = v.object({ stageKey });
