import { error, fail } from '@sveltejs/kit';
import * as charters from '$lib/server/charter';
import * as clock from '$lib/server/clock';
import * as crm from '$lib/server/crm-config';
import * as crmEvidence from '$lib/server/crm-evidence';
import { requireCharterReader, requireLeaderOf } from '$lib/server/charter/guards';
import { invalid, withForm } from '$lib/server/forms';
import * as leaders from '$lib/server/charter/leaders';
import * as learning from '$lib/server/learning';
import { acceptAction, proposeAction, takeawaysAction } from '$lib/server/learning-forms';
import { leaderLabel, SupersededError } from '$lib/server/charter/leaders';
import { publicOrigin } from '$lib/server/origin';
import { failRefusal } from '$lib/server/refusals';
import { requireCurator, requireProposer } from '$lib/server/review-guards';
import * as workshops from '$lib/server/workshops';
import { parseForm } from '$lib/schemas/forms';
import { reviewSchema, signSchema } from '$lib/schemas/charter';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const reader = await requireCharterReader(event, event.params.id);
	const all = await charters.versions(event.params.id);
	const asked = event.url.searchParams.get('v');
	const shown = asked ? all.find((v) => String(v.number) === asked) : all.at(-1);
	if (asked && !shown) error(404, 'This charter has no such version.');
	const summary = await leaders.summary(event.params.id);
	const followUp = await charters.followUp(event.params.id);
	const crmVersion = await crm.exportableVersion(event.params.id);
	const evidence = await crmEvidence.pageData(event.params.id);
	// The leaders keep the learning agenda here; the facilitator keeps it on the reviews page.
	const agenda =
		reader.kind === 'leader'
			? {
					items: await learning.agenda(event.params.id),
					teams: (await workshops.teams(event.params.id)).map((t) => ({ id: t.id, name: t.name })),
					today: clock.today()
				}
			: null;
	const base = {
		agenda,
		crmVersion,
		evidence,
		workshopId: event.params.id,
		isLeader: reader.kind === 'leader',
		reader: reader.label,
		summary,
		followUp: followUp && {
			versionNumber: followUp.version.number,
			nextReview: followUp.nextReview,
			measures: followUp.measures
		}
	};
	if (!shown) return { ...base, version: null };
	const lines = await charters.signatures(shown.id);
	const mine =
		reader.kind === 'leader' ? lines.find((l) => l.inviteId === reader.actor.invite.id) : undefined;
	const waitingFor =
		reader.kind === 'leader'
			? leaders.mustSignFirst(lines, reader.actor.invite.id).map((s) => s.name)
			: [];
	const reviews = (await leaders.reviews(event.params.id)).filter((r) => r.versionId === shown.id);
	return {
		...base,
		version: {
			id: shown.id,
			number: shown.number,
			hash: shown.hash,
			content: shown.content,
			publishedAt: shown.publishedAt.toISOString(),
			isSuperseded: shown.supersededAt !== null
		},
		latest: { number: all.at(-1)!.number },
		verifyUrl: `${publicOrigin(event.url)}/verify/${shown.id}`,
		signatures: lines.map((l) => ({ ...l, signedAt: l.signedAt?.toISOString() ?? null })),
		mine: mine ? { status: mine.status } : null,
		waitingFor,
		reviews: reviews.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
		leaderName: reader.kind === 'leader' ? reader.actor.invite.name : null,
		leaderTitle: reader.kind === 'leader' ? reader.actor.invite.title : null
	};
};

function refused(e: unknown, values: Record<string, string>) {
	if (e instanceof SupersededError) {
		// Nothing was recorded; the page shows the current version and what changed since.
		return fail(409, {
			errors: { form: e.message },
			values,
			superseded: { read: e.read, current: e.current, changes: e.changes }
		});
	}
	return failRefusal(e, 'form', values);
}

export const actions: Actions = {
	/** The dry run, for the facilitator and the invited leaders; nothing is kept. */
	checkCrm: async (event) => {
		await requireCharterReader(event, event.params.id);
		return crm.checkAction(event.request, event.params.id, publicOrigin(event.url));
	},
	/** A lead report from the CRM, uploaded by a leader: its counts per month are kept. */
	uploadEvidence: async (event) => {
		const leader = requireLeaderOf(event, event.params.id, 'charter.evidence');
		return crmEvidence.uploadAction(event.request, event.params.id, leaderLabel(leader.invite));
	},

	/** A leader's item goes on the learning agenda at once. */
	proposeItem: async (event) =>
		proposeAction(event.request, event.params.id, await requireProposer(event, event.params.id)),
	/** A leader of this charter (or its facilitator) accepts a proposal. */
	acceptItem: async (event) => {
		await requireCurator(event, event.params.id);
		return acceptAction(event.request, event.params.id);
	},
	recordTakeaways: async (event) => {
		await requireCurator(event, event.params.id);
		return takeawaysAction(event.request, event.params.id);
	},

	review: async (event) => {
		const leader = requireLeaderOf(event, event.params.id, 'charter.review');
		const fields = ['versionId', 'kind', 'section', 'text'];
		return withForm(event.request, reviewSchema, fields, async (review) => {
			try {
				await leaders.review(leader, review);
			} catch (e) {
				return refused(e, { ...review });
			}
			return { reviewed: review.kind };
		});
	},

	sign: async (event) => {
		const leader = requireLeaderOf(event, event.params.id, 'charter.sign');
		const parsed = parseForm(signSchema, await event.request.formData(), [
			'versionId',
			'hash',
			'fullName',
			'title',
			'consent'
		]);
		if (!parsed.ok) return invalid(400, parsed.errors, { ...parsed.values, signing: 'yes' });
		try {
			await leaders.sign(leader, parsed.data);
		} catch (e) {
			return refused(e, { ...parsed.data, signing: 'yes' });
		}
		return { signed: true };
	}
};
