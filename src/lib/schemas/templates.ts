/** The forms of the template library: saving a workshop as a template, importing a file. */
import * as v from 'valibot';
import { TEMPLATE_LIMITS } from '../domain/template-library';
import { requiredText } from './text';

const visibility = v.picklist(
	['private', 'firm'],
	'Choose who sees the template: only you, or your firm.'
);

export const saveTemplateFields = ['name', 'description', 'visibility'] as const;
export const saveTemplateSchema = v.object({
	name: requiredText(
		TEMPLATE_LIMITS.name,
		'Give the template a name.',
		`Use at most ${TEMPLATE_LIMITS.name} characters for the name.`
	),
	description: v.pipe(
		v.string(),
		v.trim(),
		v.maxLength(
			TEMPLATE_LIMITS.description,
			`Use at most ${TEMPLATE_LIMITS.description} characters for the description.`
		)
	),
	visibility
});

export const importTemplateFields = ['visibility'] as const;
export const importTemplateSchema = v.object({ visibility });

export const templateIdFields = ['templateId'] as const;
export const templateIdSchema = v.object({
	templateId: v.pipe(v.string(), v.nonEmpty('Say which template.'))
});
