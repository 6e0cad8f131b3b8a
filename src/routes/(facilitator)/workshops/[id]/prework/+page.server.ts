import { fail } from '@sveltejs/kit';
import { requireOwnedWorkshop } from '$lib/server/guards';
import { isMailConfigured } from '$lib/server/mail';
import { joinLink, publicOrigin } from '$lib/server/origin';
import * as prework from '$lib/server/prework';
import { failRefusal } from '$lib/server/refusals';
import * as stages from '$lib/server/stages';
import * as workshops from '$lib/server/workshops';
import { parseAddresses, parsePromptLines } from '$lib/schemas/prework';
import type { Actions, PageServerLoad } from './$types';

/** The facilitator's pre-work page: questions per stage, open and close, links, completion. */
export const load: PageServerLoad = async (event) => {
	const { workshop } = await requireOwnedWorkshop(event, event.params.id);
	const [status, draft, stageRows, completion, teams, link] = await Promise.all([
		prework.status(workshop.id),
		prework.draftPrompts(workshop.id),
		stages.list(workshop.id),
		prework.completion(workshop.id),
		workshops.teams(workshop.id),
		joinLink(event.url, workshop.joinCode)
	]);
	return {
		workshop: { id: workshop.id, title: workshop.title },
		status,
		stages: stageRows.map((s) => ({
			key: s.key,
			title: s.title,
			prompts: (draft[s.key] ?? []).join('\n')
		})),
		completion,
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		preworkUrl: `${link.joinUrl}?prework`,
		isMailConfigured: isMailConfigured()
	};
};

export const actions: Actions = {
	/** Saves the questions and opens the pre-work (again). */
	open: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const form = await event.request.formData();
		const stageRows = await stages.list(workshop.id);
		const values: Record<string, string> = {};
		const byStage: Record<string, string[]> = {};
		for (const stage of stageRows) {
			const raw = form.get(`prompts:${stage.key}`);
			values[stage.key] = typeof raw === 'string' ? raw : '';
		}
		for (const stage of stageRows) {
			const parsed = parsePromptLines(values[stage.key]!);
			if (!parsed.ok)
				return fail(400, { open: { message: `${stage.title}: ${parsed.message}`, values } });
			byStage[stage.key] = parsed.prompts;
		}
		try {
			await prework.open(workshop.id, byStage);
		} catch (e) {
			return failRefusal(e, (refused) => ({ open: { message: refused.message, values } }));
		}
		return { opened: true };
	},
	close: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		await prework.close(workshop.id);
		return { closed: true };
	},
	/** Mails personal links to the addresses typed. */
	invite: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const form = await event.request.formData();
		const raw = form.get('emails');
		const emailsText = typeof raw === 'string' ? raw : '';
		const teamRaw = form.get('teamId');
		const teamId = typeof teamRaw === 'string' && teamRaw !== '' ? teamRaw : null;
		const values = { emails: emailsText, teamId: teamId ?? '' };
		const parsed = parseAddresses(emailsText);
		if (!parsed.ok) return fail(400, { invite: { message: parsed.message, values } });
		try {
			const sent = await prework.invite(
				workshop.id,
				parsed.emails,
				teamId,
				publicOrigin(event.url)
			);
			return { invited: sent };
		} catch (e) {
			return failRefusal(e, (refused) => ({ invite: { message: refused.message, values } }));
		}
	},
	/** Mails a reminder to everyone invited who has not answered everything yet. */
	remind: async (event) => {
		const { workshop } = await requireOwnedWorkshop(event, event.params.id);
		const result = await prework.remind(workshop.id, publicOrigin(event.url));
		if (!result.isMailConfigured)
			return fail(409, {
				remind: {
					message:
						'Mail is not configured on this server, so no reminder can be mailed. Share the pre-work link again instead.'
				}
			});
		return { reminded: result.mailed };
	}
};
