/** What the pre-work forms and endpoints accept. */
import * as v from 'valibot';
import { MAX_CARD_TEXT } from '../collab/cards';
import { holdsUnstorableText, UNSTORABLE_TEXT } from './storable';

export const MAX_PREWORK_PROMPT = 300;
export const MAX_PREWORK_PROMPTS_PER_STAGE = 5;
export const MAX_PREWORK_INVITES = 200;

const id = v.pipe(
	v.string('Say which question.'),
	v.regex(/^[a-z0-9]{1,64}$/, 'That is not a pre-work question.')
);

/** One answer, as a phone sends it. The text lands on a card, so the card's limit holds. */
export const preworkAnswerSchema = v.object({
	promptId: id,
	text: v.pipe(
		v.string('Write your answer.'),
		v.trim(),
		v.nonEmpty('Write your answer before saving it.'),
		v.maxLength(MAX_CARD_TEXT, `An answer holds at most ${MAX_CARD_TEXT} characters.`)
	)
});
export const preworkAnswerFields = ['promptId', 'text'] as const;

/** A stage's prompts as typed in the facilitator's form: one question per line. */
export function parsePromptLines(
	raw: string
): { ok: true; prompts: string[] } | { ok: false; message: string } {
	if (holdsUnstorableText(raw)) return { ok: false, message: UNSTORABLE_TEXT };
	const prompts = raw
		.split(/\r?\n/)
		.map((line) => line.trim().replace(/\s+/g, ' '))
		.filter((line) => line !== '');
	if (prompts.length > MAX_PREWORK_PROMPTS_PER_STAGE)
		return {
			ok: false,
			message: `Ask at most ${MAX_PREWORK_PROMPTS_PER_STAGE} questions a stage.`
		};
	const long = prompts.find((p) => p.length > MAX_PREWORK_PROMPT);
	if (long)
		return {
			ok: false,
			message: `Keep each question under ${MAX_PREWORK_PROMPT} characters (one is ${long.length}).`
		};
	if (new Set(prompts).size !== prompts.length)
		return { ok: false, message: 'The same question is there twice.' };
	return { ok: true, prompts };
}

const emailSchema = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254), v.email());

/** Addresses typed one per line, or separated by commas or spaces. */
export function parseAddresses(
	raw: string
): { ok: true; emails: string[] } | { ok: false; message: string } {
	const parts = raw
		.split(/[\s,;]+/)
		.map((p) => p.trim())
		.filter((p) => p !== '');
	if (parts.length === 0) return { ok: false, message: 'Write at least one email address.' };
	if (parts.length > MAX_PREWORK_INVITES)
		return { ok: false, message: `Invite at most ${MAX_PREWORK_INVITES} addresses at once.` };
	const emails: string[] = [];
	for (const part of parts) {
		const parsed = v.safeParse(emailSchema, part);
		if (!parsed.success)
			return { ok: false, message: `“${part}” does not look like an email address.` };
		if (!emails.includes(parsed.output)) emails.push(parsed.output);
	}
	return { ok: true, emails };
}
