import { agreementsWithoutEvidence, isEmptyCharter } from '$lib/domain/charter/content';
import * as boards from '$lib/server/boards';
import { leftOut } from '$lib/server/charter/compile';
import * as charters from '$lib/server/charter';
import * as crm from '$lib/server/crm-config';
import * as crmEvidence from '$lib/server/crm-evidence';
import { invalid, withForm } from '$lib/server/forms';
import { requireOwnedWorkshop } from '$lib/server/guards';
import type { Invite } from '$lib/server/charter/leader';
import * as leaders from '$lib/server/charter/leaders';
import { isMailConfigured, sendLater, type Mail } from '$lib/server/mail';
import { publicOrigin } from '$lib/server/origin';
import { failRefusal } from '$lib/server/refusals';
import * as rooms from '$lib/server/rooms';
import { parseForm } from '$lib/schemas/forms';
import {
	charterEditSchema,
	inviteSchema,
	keepSuggestionSchema,
	measureValueSchema
} from '$lib/schemas/charter';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { parseValues } from '$lib/schemas/forms';

async function requireManager(event: RequestEvent) {
	const owned = await requireOwnedWorkshop(event, event.params.id, 'charter.manage');
	return { ...owned, label: `Facilitator ${owned.actor.account.name}` };
}

/** What every mail to a leader names: whom it goes to, who sends it, the workshop, the link. */
type LeaderMailParts = {
	to: string;
	leader: string;
	facilitator: string;
	workshop: string;
	link: string;
};

/**
 * A leader's link from its token, mailed to them when mail is set up (`compose` writes the
 * message, `what` names it in the log). `mailedTo` is null when it was not: then the
 * facilitator passes the link on.
 */
function sendLeaderLink(
	event: RequestEvent,
	{ workshop, actor }: Awaited<ReturnType<typeof requireManager>>,
	{ invite, token }: { invite: Invite; token: string },
	what: string,
	compose: (parts: LeaderMailParts) => Mail
) {
	const link = publicOrigin(event.url) + leaders.linkPath(workshop.id, token);
	const mailedTo = isMailConfigured() ? invite.email : null;
	if (mailedTo) {
		const parts = {
			to: mailedTo,
			leader: invite.name,
			facilitator: actor.account.name,
			workshop: `${workshop.title} (${workshop.clientOrganisation})`,
			link
		};
		sendLater(compose(parts), what);
	}
	return { link, mailedTo };
}

export const load: PageServerLoad = async (event) => {
	const { workshop } = await requireManager(event);
	const crmVersion = await crm.exportableVersion(workshop.id);
	const [draft, versions, summary, invites, reviews, followUp, suggestions, evidence] =
		await Promise.all([
			charters.draft(workshop.id),
			charters.versions(workshop.id),
			leaders.summary(workshop.id),
			leaders.list(workshop.id),
			leaders.reviews(workshop.id),
			charters.followUp(workshop.id),
			leftOut(workshop.id),
			crmEvidence.pageData(workshop.id)
		]);
	const current = versions.findLast((v) => !v.supersededAt);
	return {
		workshop: { id: workshop.id, title: workshop.title },
		crmVersion,
		draft,
		isEmpty: isEmptyCharter(draft),
		// A draft compiled before the suggestion was left out may hold it still: then it is in.
		suggestions: suggestions
			.filter((s) => !draft.sections.some((x) => x.items.some((i) => s.stepIds.includes(i.id))))
			.map((s) => ({ stageKey: s.stageKey, stageTitle: s.stageTitle, steps: s.stepIds.length })),
		withoutEvidence: agreementsWithoutEvidence(draft).map((i) => i.text),
		versions: versions.map((v) => ({
			id: v.id,
			number: v.number,
			hash: v.hash,
			publishedAt: v.publishedAt.toISOString(),
			isSuperseded: v.supersededAt !== null
		})),
		summary,
		signatures: current ? await charters.signatures(current.id) : [],
		invites: invites.map((i) => ({
			id: i.id,
			name: i.name,
			title: i.title,
			email: i.email,
			signingOrder: i.signingOrder,
			expiresAt: i.expiresAt.toISOString(),
			isRevoked: i.revokedAt !== null,
			isExpired: i.expiresAt.getTime() <= Date.now()
		})),
		reviews: reviews.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
		followUp: followUp && {
			versionNumber: followUp.version.number,
			nextReview: followUp.nextReview,
			measures: followUp.measures
		},
		evidence,
		origin: publicOrigin(event.url)
	};
};

const EDIT_FIELDS = ['op', 'section', 'clause', 'text', 'direction'] as const;

export const actions: Actions = {
	/** The dry run: the CRM's configuration compared with the signed version; nothing is kept. */
	checkCrm: async (event) => {
		const { workshop } = await requireManager(event);
		return crm.checkAction(event.request, workshop.id, publicOrigin(event.url));
	},

	edit: async (event) => {
		const { workshop } = await requireManager(event);
		const form = await event.request.formData();
		// Each edit sends only the fields it needs; empty ones are not part of it.
		const input: Record<string, string> = {};
		for (const field of EDIT_FIELDS) {
			const value = form.get(field);
			if (typeof value === 'string' && (value !== '' || field === 'text')) input[field] = value;
		}
		if (input.op?.startsWith('move') || input.op === 'remove-clause') delete input.text;
		const parsed = parseValues(charterEditSchema, input);
		if (!parsed.ok) return invalid(400, { form: Object.values(parsed.errors)[0]! }, input);
		try {
			await charters.edit(workshop.id, parsed.data);
		} catch (e) {
			return failRefusal(e, 'form');
		}
		return { edited: true };
	},

	keepSuggestion: async (event) => {
		const { workshop } = await requireManager(event);
		const parsed = parseForm(keepSuggestionSchema, await event.request.formData(), ['stageKey']);
		if (!parsed.ok) return invalid(400, { form: parsed.errors.stageKey ?? 'Say which stage.' });
		try {
			await boards.keepInCharter(workshop.id, parsed.data.stageKey);
		} catch (e) {
			return failRefusal(e, 'form');
		}
		await charters.includeCompiled(workshop.id, 'journey');
		return { kept: true };
	},

	recompile: async (event) => {
		const { workshop } = await requireManager(event);
		await charters.recompile(workshop.id);
		return { recompiled: true };
	},

	publish: async (event) => {
		const { workshop, label } = await requireManager(event);
		try {
			const version = await charters.publish(workshop.id, label);
			return { published: { number: version.number, hash: version.hash, id: version.id } };
		} catch (e) {
			return failRefusal(e, 'publish');
		}
	},

	invite: async (event) => {
		const manager = await requireManager(event);
		const parsed = parseForm(inviteSchema, await event.request.formData(), [
			'name',
			'title',
			'email',
			'signingOrder',
			'expiresInDays'
		]);
		if (!parsed.ok) return invalid(400, parsed.errors, parsed.values);
		const made = await leaders.invite(manager.workshop.id, manager.label, parsed.data);
		const { link, mailedTo } = sendLeaderLink(event, manager, made, 'leader invitation', (m) =>
			leaders.invitationMail({ ...m, expiresAt: made.invite.expiresAt })
		);
		// The link is shown once, now; only its hash is kept.
		return { invited: { name: made.invite.name, link, mailedTo } };
	},

	/** Every leader still to sign the current version gets a fresh link (by mail when set up). */
	remind: async (event) => {
		const manager = await requireManager(event);
		let result: Awaited<ReturnType<typeof leaders.remindUnsigned>>;
		try {
			result = await leaders.remindUnsigned(manager.workshop.id, manager.label);
		} catch (e) {
			return failRefusal(e, 'remindError');
		}
		const reminded = result.reminded.map((unsigned) => {
			const { link, mailedTo } = sendLeaderLink(event, manager, unsigned, 'leader reminder', (m) =>
				leaders.reminderMail({ ...m, versionNumber: result.versionNumber })
			);
			// Without mail the facilitator sends the link: shown once, only its hash is kept.
			return { name: unsigned.invite.name, mailedTo, link: mailedTo ? '' : link };
		});
		return { reminded, remindedVersion: result.versionNumber };
	},

	revoke: async (event) => {
		const { workshop, label } = await requireManager(event);
		const inviteId = (await event.request.formData()).get('inviteId');
		if (typeof inviteId !== 'string' || !/^[a-z0-9]{1,64}$/.test(inviteId)) {
			return invalid(400, { form: 'Say which invitation to withdraw.' });
		}
		try {
			const sessionIds = await leaders.revoke(workshop.id, inviteId, label);
			for (const id of sessionIds) rooms.disconnectSession(id);
		} catch (e) {
			return failRefusal(e, 'form');
		}
		return { revoked: true };
	},

	/** A lead report from the CRM: its counts per month are kept, nothing else. */
	uploadEvidence: async (event) => {
		const { workshop, actor } = await requireOwnedWorkshop(
			event,
			event.params.id,
			'charter.evidence'
		);
		return crmEvidence.uploadAction(
			event.request,
			workshop.id,
			`Facilitator ${actor.account.name}`
		);
	},

	recordMeasure: async (event) => {
		const { workshop, label } = await requireManager(event);
		const fields = ['measureId', 'period', 'value', 'recordedBy'];
		return withForm(event.request, measureValueSchema, fields, async (measure) => {
			try {
				await charters.recordMeasure(workshop.id, label, measure);
			} catch (e) {
				return failRefusal(e, 'measureId');
			}
			return { recorded: true };
		});
	}
};
