import * as v from 'valibot';
import { CARD_TYPES, cardFieldEntries, MAX_CARD_TEXT } from '../collab/records/card';

const cardText = v.pipe(
	v.string('Write the card’s text.'),
	v.trim(),
	v.nonEmpty('A card needs some text.'),
	v.maxLength(MAX_CARD_TEXT, `A card holds at most ${MAX_CARD_TEXT} characters.`)
);

/** Fields any card may carry; which ones matter depends on its type (one source: the record). */
const fieldEntries = cardFieldEntries;

/**
 * Fields only the server writes (a dot vote's result): named here so that a request carrying
 * them is refused with words that say why, rather than as an unknown field.
 */
const serverWritten = {
	dots: v.optional(v.never('Dots come from the dot vote; they cannot be set by hand.')),
	rank: v.optional(v.never('A barrier’s rank comes from the dot vote; it cannot be set by hand.')),
	keptInCharter: v.optional(
		v.never('A suggestion is kept in the charter from the charter page, not on the board.')
	),
	prompt: v.optional(v.never('A pre-work question is set by the pre-work, not on the board.'))
};

export const newCardSchema = v.strictObject(
	{
		type: v.picklist(CARD_TYPES, 'Say what kind of card this is.'),
		text: cardText,
		...fieldEntries,
		...serverWritten
	},
	'The card has a field this board does not know.'
);

export const cardPatchSchema = v.pipe(
	v.strictObject(
		{ text: v.optional(cardText), ...fieldEntries, ...serverWritten },
		'The change has a field this board does not know.'
	),
	v.check((patch) => Object.keys(patch).length > 0, 'Say what to change.')
);

export const moveSchema = v.object({
	direction: v.picklist(['earlier', 'later'], 'Say which way to move it: earlier or later.')
});

export const doneSchema = v.object({ done: v.boolean('Say done: true or false.') });
