/**
 * The database schema. Table names are singular snake_case; every id is a random text id
 * (see ids.ts) so rows can be referenced in links without exposing counts or order.
 *
 * Later features attach to these tables without reshaping them: polls and ballots hang off
 * `workshop` and `team` (a ballot carries its team, never a participant), charters and
 * signatures off `workshop` and `account` (leaders are accounts with role `leader`).
 */
import { sql } from 'drizzle-orm';
import {
	type AnyPgColumn,
	bigint,
	boolean,
	check,
	customType,
	doublePrecision,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex
} from 'drizzle-orm/pg-core';
import type { CharterContent } from '../../domain/charter/content';
import type { JsonObject } from '../../domain/charter/canon';
import type { Lead } from '../../domain/calibration/fields';
import type { AgreementOutcome, Choice, PollOption, PublishedResult } from '../../domain/polls';
import { POLL_KINDS, POLL_STATUSES } from '../../domain/polls';
import { STAGE_KINDS } from '../../domain/template';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType: () => 'bytea'
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const account = pgTable(
	'account',
	{
		id: text('id').primaryKey(),
		/** Stored lower-cased and trimmed; uniqueness is on this form. */
		email: text('email').notNull(),
		name: text('name').notNull(),
		passwordHash: text('password_hash'),
		role: text('role', { enum: ['facilitator', 'leader'] })
			.notNull()
			.default('facilitator'),
		createdAt: createdAt(),
		updatedAt: updatedAt()
	},
	(t) => [uniqueIndex('account_email_key').on(t.email)]
);

export const workshop = pgTable(
	'workshop',
	{
		id: text('id').primaryKey(),
		title: text('title').notNull(),
		clientOrganisation: text('client_organisation').notNull(),
		/**
		 * The firm's client this workshop is for; through it, the firm whose members may see it.
		 * Null only for rows older than firms until the data migration moved them (0012).
		 */
		clientId: text('client_id').references((): AnyPgColumn => client.id, { onDelete: 'restrict' }),
		ownerId: text('owner_id')
			.notNull()
			.references(() => account.id, { onDelete: 'restrict' }),
		joinCode: text('join_code').notNull(),
		status: text('status', { enum: ['draft', 'live', 'archived'] })
			.notNull()
			.default('draft'),
		/** Joiners wait until the facilitator admits them (participant.admitted_at). */
		requireAdmission: boolean('require_admission').notNull().default(false),
		createdAt: createdAt(),
		updatedAt: updatedAt()
	},
	(t) => [
		uniqueIndex('workshop_join_code_key').on(t.joinCode),
		index('workshop_owner_idx').on(t.ownerId),
		index('workshop_client_idx').on(t.clientId)
	]
);

export const team = pgTable(
	'team',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		/** A CSS hex colour, e.g. #1d4ed8. */
		colour: text('colour').notNull(),
		position: integer('position').notNull().default(0),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('team_workshop_name_key').on(t.workshopId, t.name)]
);

export const participant = pgTable(
	'participant',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		teamId: text('team_id')
			.notNull()
			.references(() => team.id, { onDelete: 'restrict' }),
		displayName: text('display_name').notNull(),
		joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
		/**
		 * When the facilitator let them in; null while they wait (workshops that require
		 * admission). Set at join otherwise. Only admitted, not removed participants take part.
		 */
		admittedAt: timestamp('admitted_at', { withTimezone: true }),
		/** Set when the facilitator removes (or refuses) the participant; their sessions are deleted then. */
		removedAt: timestamp('removed_at', { withTimezone: true }),
		/**
		 * SHA-256 of the device cookie the participant joined from: a removed participant's device
		 * is refused until the facilitator lets them back in, and a device let back in resumes.
		 */
		deviceHash: text('device_hash')
	},
	(t) => [
		index('participant_workshop_idx').on(t.workshopId),
		index('participant_workshop_device_idx').on(t.workshopId, t.deviceHash)
	]
);

/**
 * Lucia's session design: the cookie holds a random token, the id stored here is the
 * SHA-256 of that token, so a leaked table cannot be replayed as cookies.
 * A session belongs either to an account or to a participant (scoped to one workshop).
 */
export const session = pgTable(
	'session',
	{
		id: text('id').primaryKey(),
		accountId: text('account_id').references(() => account.id, { onDelete: 'cascade' }),
		participantId: text('participant_id').references(() => participant.id, {
			onDelete: 'cascade'
		}),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdAt: createdAt()
	},
	(t) => [
		index('session_account_idx').on(t.accountId),
		index('session_participant_idx').on(t.participantId),
		check('session_one_subject', sql`(${t.accountId} is null) <> (${t.participantId} is null)`)
	]
);

/**
 * A facilitator's password-reset link (auth/password-resets.ts). Only the SHA-256 of the link's
 * secret is kept, so someone reading the database cannot use a link; one use, then `used_at`.
 */
export const passwordReset = pgTable(
	'password_reset',
	{
		id: text('id').primaryKey(),
		accountId: text('account_id')
			.notNull()
			.references(() => account.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('password_reset_token_idx').on(t.tokenHash),
		index('password_reset_account_idx').on(t.accountId)
	]
);

/**
 * Counters for rate limits and throttles, shared by every instance on one database
 * (src/lib/server/rate-limit.ts): a count in a window, and for growing delays the time
 * before which the next attempt is refused.
 */
export const rateLimit = pgTable('rate_limit', {
	key: text('key').primaryKey(),
	count: integer('count').notNull(),
	windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
	nextAllowedAt: timestamp('next_allowed_at', { withTimezone: true }).notNull().defaultNow()
});

/**
 * Devices (by the SHA-256 of their device cookie) that signed in to an account with its
 * password. OWASP's device cookies: attempts from such a device are throttled on their own,
 * so someone guessing the account's password elsewhere does not lock its owner out.
 */
export const trustedDevice = pgTable(
	'trusted_device',
	{
		accountId: text('account_id')
			.notNull()
			.references(() => account.id, { onDelete: 'cascade' }),
		deviceHash: text('device_hash').notNull(),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.accountId, t.deviceHash] })]
);

/** Append log of accepted Yjs updates per document; compacted into `yjs_snapshot`. */
export const yjsUpdate = pgTable(
	'yjs_update',
	{
		docName: text('doc_name').notNull(),
		seq: bigint('seq', { mode: 'number' }).notNull(),
		data: bytea('data').notNull(),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.docName, t.seq] })]
);

/** The merged state of a document up to and including update `seq`. */
export const yjsSnapshot = pgTable('yjs_snapshot', {
	docName: text('doc_name').primaryKey(),
	seq: bigint('seq', { mode: 'number' }).notNull(),
	data: bytea('data').notNull(),
	updatedAt: updatedAt()
});

/**
 * A workshop's stages in running order. Their live state (current stage, timer, lock,
 * private writing) is in the room document; their content is in the stage board documents.
 */
export const stage = pgTable(
	'stage',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		/** Slug used in document names; stays the same when the stage is renamed. */
		key: text('key').notNull(),
		kind: text('kind', { enum: STAGE_KINDS }).notNull(),
		title: text('title').notNull(),
		prompt: text('prompt').notNull().default(''),
		timeboxMinutes: integer('timebox_minutes').notNull(),
		position: integer('position').notNull(),
		createdAt: createdAt(),
		updatedAt: updatedAt()
	},
	(t) => [uniqueIndex('stage_workshop_key_key').on(t.workshopId, t.key)]
);

/** The agreement register the charter is built from. */
export const agreement = pgTable(
	'agreement',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		/** Where it was created from (a stage, and an item on its board), if anywhere. */
		stageKey: text('stage_key'),
		sourceItemId: text('source_item_id'),
		statement: text('statement').notNull(),
		ownerTeamId: text('owner_team_id').references(() => team.id, { onDelete: 'set null' }),
		ownerName: text('owner_name'),
		/** A calendar date, YYYY-MM-DD. */
		dueDate: text('due_date'),
		metric: text('metric'),
		status: text('status', { enum: ['proposed', 'adopted', 'rejected'] })
			.notNull()
			.default('proposed'),
		/** The latest revealed consent poll on it: counts where allowed, reasons, dissent. */
		outcome: jsonb('outcome').$type<AgreementOutcome>(),
		position: integer('position').notNull().default(0),
		createdAt: createdAt(),
		updatedAt: updatedAt()
	},
	(t) => [index('agreement_workshop_idx').on(t.workshopId)]
);

/** "Only the buyer gets to be right": the customer evidence behind an agreement. */
export const agreementEvidence = pgTable(
	'agreement_evidence',
	{
		id: text('id').primaryKey(),
		agreementId: text('agreement_id')
			.notNull()
			.references(() => agreement.id, { onDelete: 'cascade' }),
		kind: text('kind', {
			enum: ['quote', 'lost-deal', 'figure', 'other', 'calibration']
		}).notNull(),
		text: text('text').notNull(),
		source: text('source').notNull().default(''),
		/** Evidence of kind `calibration`: the revealed round it cites. */
		calibrationPollId: text('calibration_poll_id').references(() => poll.id, {
			onDelete: 'set null'
		}),
		createdAt: createdAt()
	},
	(t) => [index('agreement_evidence_agreement_idx').on(t.agreementId)]
);

/** "I'm done" signals: one per participant and stage, counted per team on screen. */
export const stageDone = pgTable(
	'stage_done',
	{
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		stageKey: text('stage_key').notNull(),
		participantId: text('participant_id')
			.notNull()
			.references(() => participant.id, { onDelete: 'cascade' }),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.workshopId, t.stageKey, t.participantId] })]
);

/**
 * A poll. Its rules (options, dot budget, k, objection threshold) are fixed when it opens;
 * what it asks about (an agreement's statement, a term's wording) is copied into `question`
 * then, so every ballot answers the same text.
 */
export const poll = pgTable(
	'poll',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: POLL_KINDS }).notNull(),
		status: text('status', { enum: POLL_STATUSES }).notNull().default('draft'),
		question: text('question').notNull(),
		/** Consent polls: the agreement they decide on. */
		agreementId: text('agreement_id').references(() => agreement.id, { onDelete: 'cascade' }),
		/** The stage (and board item) the poll is about, if any; dot votes rank that board's cards. */
		stageKey: text('stage_key'),
		sourceItemId: text('source_item_id'),
		options: jsonb('options').$type<PollOption[]>().notNull(),
		dotBudget: integer('dot_budget'),
		dotMaxPerCard: integer('dot_max_per_card'),
		k: integer('k').notNull().default(3),
		maxObjectionPercent: integer('max_objection_percent').notNull().default(0),
		/** A re-vote points at the poll it repeats; a calibration round at the round before. */
		previousPollId: text('previous_poll_id'),
		/** Calibration rounds: the ids of the leads every ballot classifies, fixed at creation. */
		leads: jsonb('leads').$type<string[]>(),
		/** Set at reveal: the published (suppressed) result, the only form a result is kept in. */
		result: jsonb('result').$type<PublishedResult>(),
		createdAt: createdAt(),
		openedAt: timestamp('opened_at', { withTimezone: true }),
		closedAt: timestamp('closed_at', { withTimezone: true }),
		revealedAt: timestamp('revealed_at', { withTimezone: true })
	},
	(t) => [index('poll_workshop_idx').on(t.workshopId), check('poll_k_at_least_3', sql`${t.k} >= 3`)]
);

/**
 * A poll's public keys for voting tokens (RFC 9474 blind RSA): one per team and per server
 * instance that issued tokens for the poll. The private halves live only in the memory of the
 * instance that made them (src/lib/server/polls/keys.ts) and are never stored. A token that
 * verifies under a team's key proves "a member of this team may vote once in this poll", and
 * nothing else.
 */
export const pollKey = pgTable(
	'poll_key',
	{
		pollId: text('poll_id')
			.notNull()
			.references(() => poll.id, { onDelete: 'cascade' }),
		/** SHA-256 of the key's SPKI bytes, hex. */
		keyId: text('key_id').notNull(),
		teamId: text('team_id').notNull(),
		/** SPKI (DER), base64url. */
		publicKey: text('public_key').notNull()
	},
	(t) => [primaryKey({ columns: [t.pollId, t.keyId] })]
);

/**
 * That a participant was given a voting token for a poll: who *may* vote, never who did. The
 * server signs a blinded message (it never sees the token it signs) and keeps the blinded
 * message's hash and its blind signature, so a device whose answer was lost on the network
 * gets the same signature again and no second token. Blinding is perfectly hiding: neither
 * column can be matched to the token later shown with a ballot. Rows from before voting
 * tokens (a receipt of a cast) have no key, message or signature.
 */
export const ballotToken = pgTable(
	'ballot_token',
	{
		pollId: text('poll_id')
			.notNull()
			.references(() => poll.id, { onDelete: 'cascade' }),
		participantId: text('participant_id')
			.notNull()
			.references(() => participant.id, { onDelete: 'cascade' }),
		teamId: text('team_id'),
		keyId: text('key_id'),
		blindedHash: text('blinded_hash'),
		blindSignature: text('blind_signature')
	},
	(t) => [primaryKey({ columns: [t.pollId, t.participantId] })]
);

/**
 * A ballot: the team its token proves, the choice and an optional reason, under the token's
 * tracker (SHA-256 of the signed token message). No participant, no time, no address, no
 * sequence. Ballots are written in batches, in random order, by transactions that write
 * nothing else (src/lib/server/polls/ballots.ts), so neither system columns nor the write-ahead
 * log tie one to a `ballot_token` row. Presenting the same token again changes the ballot.
 */
export const ballot = pgTable(
	'ballot',
	{
		pollId: text('poll_id')
			.notNull()
			.references(() => poll.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull(),
		teamId: text('team_id').notNull(),
		/** Wrapped (`{ v: … }`): a bare JSON string such as "2" would come back from the driver as a number. */
		choice: jsonb('choice').$type<{ v: Choice }>().notNull(),
		reason: text('reason')
	},
	(t) => [primaryKey({ columns: [t.pollId, t.tokenHash] })]
);

/**
 * A calibration stage's sample: the leads (anonymised, 10–40, uploaded from a CSV file or typed
 * in) and the categories they are classified into (the terms of the Shared terms board at first,
 * edited by the facilitator). Its rounds are polls of kind `classification` on the same stage;
 * the leads are fixed once the first round has opened, so every round classifies the same ones.
 */
export const calibration = pgTable(
	'calibration',
	{
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		stageKey: text('stage_key').notNull(),
		leads: jsonb('leads').$type<Lead[]>().notNull(),
		categories: jsonb('categories').$type<PollOption[]>().notNull(),
		/** The lead the facilitator opened for discussion, shown on every screen. */
		focusLeadId: text('focus_lead_id'),
		createdAt: createdAt(),
		updatedAt: updatedAt()
	},
	(t) => [primaryKey({ columns: [t.workshopId, t.stageKey] })]
);

// ---------------------------------------------------------------------------------------------
// The charter: draft, frozen versions, leaders' invitations and sessions, reviews,
// signatures, the hash-chained audit trail and the follow-up of measures.

/**
 * One charter per workshop: the facilitator's draft (compiled from the workshop, then edited)
 * and the head of its audit trail (how many events, the last hash), so that removing the
 * latest events is noticed too.
 */
export const charter = pgTable('charter', {
	workshopId: text('workshop_id')
		.primaryKey()
		.references(() => workshop.id, { onDelete: 'cascade' }),
	draft: jsonb('draft').$type<CharterContent>().notNull(),
	auditCount: integer('audit_count').notNull().default(0),
	auditHead: text('audit_head'),
	createdAt: createdAt(),
	updatedAt: updatedAt()
});

/**
 * A published version: its content as it was normalised for hashing, and the SHA-256 of its
 * canonical JSON. Never updated after insert except for `superseded_at`; the verification
 * page recomputes the hash from `content` so a change made behind the application shows.
 */
export const charterVersion = pgTable(
	'charter_version',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		number: integer('number').notNull(),
		content: jsonb('content').$type<CharterContent>().notNull(),
		hash: text('hash').notNull(),
		publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
		supersededAt: timestamp('superseded_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('charter_version_workshop_number_key').on(t.workshopId, t.number),
		index('charter_version_hash_idx').on(t.hash)
	]
);

/**
 * A leader invited to review and sign one workshop's charter. The personal link carries a
 * random token; only its SHA-256 is kept. Revoked and expired invitations open nothing.
 */
export const leaderInvite = pgTable(
	'leader_invite',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		title: text('title').notNull(),
		/**
		 * Lower-cased and trimmed. Where the link is sent, nothing more: anyone may type any
		 * address into an invitation, so no access is ever granted by it (see leaderSessionInvite).
		 */
		email: text('email').notNull(),
		tokenHash: text('token_hash').notNull(),
		/** Lower signs first; null signs at any time. */
		signingOrder: integer('signing_order'),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		revokedAt: timestamp('revoked_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('leader_invite_token_hash_key').on(t.tokenHash),
		index('leader_invite_workshop_idx').on(t.workshopId),
		index('leader_invite_email_idx').on(t.email)
	]
);

/**
 * A leader's browser session, opened by their link: Lucia's design again (the cookie holds a
 * token, this table its SHA-256). Its subject is one invitation, the link opened last, so it
 * reads and signs that workshop's charter and nothing else, and it ends when that invitation
 * is revoked or expires. The other links its browser opened are in leaderSessionInvite.
 */
export const leaderSession = pgTable(
	'leader_session',
	{
		id: text('id').primaryKey(),
		inviteId: text('invite_id')
			.notNull()
			.references(() => leaderInvite.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdAt: createdAt()
	},
	(t) => [index('leader_session_invite_idx').on(t.inviteId)]
);

/**
 * The invitations a leader's browser has proven by opening their personal links: the session's
 * own invitation and every earlier one its browser opened (carried over when a new link
 * rotates the session). The leadership overview lists these and nothing else; an email
 * address in an invitation proves nothing, since anyone with an account can type it.
 */
export const leaderSessionInvite = pgTable(
	'leader_session_invite',
	{
		sessionId: text('session_id')
			.notNull()
			.references(() => leaderSession.id, { onDelete: 'cascade' }),
		inviteId: text('invite_id')
			.notNull()
			.references(() => leaderInvite.id, { onDelete: 'cascade' }),
		createdAt: createdAt()
	},
	(t) => [
		primaryKey({ columns: [t.sessionId, t.inviteId] }),
		index('leader_session_invite_invite_idx').on(t.inviteId)
	]
);

/** A leader's review of a version: a comment on a section, an approval, or a change request. */
export const charterReview = pgTable(
	'charter_review',
	{
		id: text('id').primaryKey(),
		versionId: text('version_id')
			.notNull()
			.references(() => charterVersion.id, { onDelete: 'cascade' }),
		inviteId: text('invite_id')
			.notNull()
			.references(() => leaderInvite.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: ['comment', 'approve', 'request-changes'] }).notNull(),
		sectionKey: text('section_key'),
		text: text('text').notNull().default(''),
		createdAt: createdAt()
	},
	(t) => [index('charter_review_version_idx').on(t.versionId)]
);

/**
 * One signature line per version and invited leader: pending when the version is published
 * (or the leader invited), signed with the typed name, title and the hash the page showed,
 * void when a newer version supersedes it before it was signed.
 */
export const charterSignature = pgTable(
	'charter_signature',
	{
		id: text('id').primaryKey(),
		versionId: text('version_id')
			.notNull()
			.references(() => charterVersion.id, { onDelete: 'cascade' }),
		inviteId: text('invite_id')
			.notNull()
			.references(() => leaderInvite.id, { onDelete: 'cascade' }),
		status: text('status', { enum: ['pending', 'signed', 'void'] })
			.notNull()
			.default('pending'),
		fullName: text('full_name'),
		title: text('title'),
		hashShown: text('hash_shown'),
		signedAt: timestamp('signed_at', { withTimezone: true }),
		voidedAt: timestamp('voided_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('charter_signature_version_invite_key').on(t.versionId, t.inviteId)]
);

/**
 * The audit trail, a hash chain (src/lib/domain/charter/audit.ts). `at` is kept as the exact
 * ISO text that was hashed, so reading it back cannot change a digit of it.
 */
export const charterEvent = pgTable(
	'charter_event',
	{
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		seq: integer('seq').notNull(),
		kind: text('kind').notNull(),
		at: text('at').notNull(),
		actor: text('actor').notNull(),
		versionId: text('version_id'),
		data: jsonb('data').$type<JsonObject>().notNull(),
		prevHash: text('prev_hash').notNull(),
		hash: text('hash').notNull()
	},
	(t) => [primaryKey({ columns: [t.workshopId, t.seq] })]
);

/** Follow-up: the actual value of a charter measure for one period (2027-03, 2027-Q1). */
export const charterMeasureValue = pgTable(
	'charter_measure_value',
	{
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		/** The measure's clause id in the charter. */
		measureId: text('measure_id').notNull(),
		period: text('period').notNull(),
		value: doublePrecision('value').notNull(),
		recordedBy: text('recorded_by').notNull(),
		createdAt: createdAt(),
		updatedAt: updatedAt()
	},
	(t) => [primaryKey({ columns: [t.workshopId, t.measureId, t.period] })]
);

/**
 * Pre-work: prompts the teams answer on their phones before the live session. One row per
 * workshop once the facilitator has opened it; `closedAt` set when they closed it.
 */
export const prework = pgTable('prework', {
	workshopId: text('workshop_id')
		.primaryKey()
		.references(() => workshop.id, { onDelete: 'cascade' }),
	openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
	closedAt: timestamp('closed_at', { withTimezone: true })
});

/** One pre-work prompt, asked on one stage; the answers land on that stage's team boards. */
export const preworkPrompt = pgTable(
	'prework_prompt',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		stageKey: text('stage_key').notNull(),
		text: text('text').notNull(),
		position: integer('position').notNull(),
		createdAt: createdAt()
	},
	(t) => [index('prework_prompt_workshop_idx').on(t.workshopId)]
);

/**
 * Who answered which prompt, and the card the answer is on (its text lives on the team
 * board, nowhere else). Counted per team for the facilitator, never listed by name.
 */
export const preworkAnswer = pgTable(
	'prework_answer',
	{
		promptId: text('prompt_id')
			.notNull()
			.references(() => preworkPrompt.id, { onDelete: 'cascade' }),
		participantId: text('participant_id')
			.notNull()
			.references(() => participant.id, { onDelete: 'cascade' }),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		cardId: text('card_id').notNull(),
		createdAt: createdAt(),
		updatedAt: updatedAt()
	},
	(t) => [
		primaryKey({ columns: [t.promptId, t.participantId] }),
		index('prework_answer_workshop_idx').on(t.workshopId)
	]
);

/**
 * A personal pre-work link mailed to one address. Only the token's SHA-256 is stored; a
 * reminder mails a fresh token. The address is used to send, never shown next to answers.
 */
export const preworkInvite = pgTable(
	'prework_invite',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		email: text('email').notNull(),
		tokenHash: text('token_hash').notNull(),
		/** The team the facilitator gave them; null lets them pick, as the join page does. */
		teamId: text('team_id').references(() => team.id, { onDelete: 'set null' }),
		/** The participant the link became once opened. */
		participantId: text('participant_id').references(() => participant.id, {
			onDelete: 'set null'
		}),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('prework_invite_token_hash_key').on(t.tokenHash),
		uniqueIndex('prework_invite_workshop_email_key').on(t.workshopId, t.email)
	]
);

/**
 * A template in the library: what a workshop starts from (stages, teams, what the terms and
 * journey boards hold), saved from a workshop or imported from a file. `content` is a
 * template file of `version` (src/lib/schemas/template-file.ts reads and upcasts it).
 * `visibility` `firm` shares it with the firm of `firm_id`; until firms exist that column
 * stays null and who sees what is decided in one place (templates.templatesVisibleTo).
 */
export const workshopTemplate = pgTable(
	'workshop_template',
	{
		id: text('id').primaryKey(),
		ownerId: text('owner_id')
			.notNull()
			.references(() => account.id, { onDelete: 'cascade' }),
		firmId: text('firm_id'),
		visibility: text('visibility', { enum: ['private', 'firm'] })
			.notNull()
			.default('private'),
		name: text('name').notNull(),
		description: text('description').notNull().default(''),
		version: integer('version').notNull(),
		content: jsonb('content').$type<JsonObject>().notNull(),
		createdAt: createdAt(),
		updatedAt: updatedAt()
	},
	(t) => [index('workshop_template_owner_idx').on(t.ownerId)]
);

/**
 * A review session of a signed charter, months after the workshop: for each clause of the
 * signed version it reviews, an anonymous pulse (a poll of kind `pulse` in the charter's own
 * workshop, so its teams, tokens and k rule are the polls'). Open while the room pulses;
 * closed for good once its pulses are revealed.
 */
export const reviewSession = pgTable(
	'review_session',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		/** The signed version the room reviews; an amendment is drafted against it. */
		versionId: text('version_id')
			.notNull()
			.references(() => charterVersion.id, { onDelete: 'cascade' }),
		number: integer('number').notNull(),
		status: text('status', { enum: ['open', 'closed'] })
			.notNull()
			.default('open'),
		/** The period whose measure actuals the room looks at (2027-03, 2027-Q1). */
		period: text('period').notNull(),
		startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
		closedAt: timestamp('closed_at', { withTimezone: true })
	},
	(t) => [uniqueIndex('review_session_workshop_number_key').on(t.workshopId, t.number)]
);

/** One clause of a review session: its pulse poll, and whether the room wants it changed. */
export const reviewClause = pgTable(
	'review_clause',
	{
		reviewId: text('review_id')
			.notNull()
			.references(() => reviewSession.id, { onDelete: 'cascade' }),
		clauseId: text('clause_id').notNull(),
		sectionKey: text('section_key').notNull(),
		text: text('text').notNull(),
		position: integer('position').notNull(),
		pollId: text('poll_id')
			.notNull()
			.references(() => poll.id, { onDelete: 'cascade' }),
		/** Marked for change by the facilitator, with the wording the room proposes. */
		proposedText: text('proposed_text')
	},
	(t) => [primaryKey({ columns: [t.reviewId, t.clauseId] })]
);

/**
 * When the charter is next reviewed: the charter's cadence date until the facilitator sets
 * another. `remindedFor` is the date a reminder was last sent for, so each date reminds once.
 */
export const reviewSchedule = pgTable('review_schedule', {
	workshopId: text('workshop_id')
		.primaryKey()
		.references(() => workshop.id, { onDelete: 'cascade' }),
	/** A calendar date, YYYY-MM-DD; null follows the signed charter's cadence. */
	nextReviewOn: text('next_review_on'),
	remindedFor: text('reminded_for'),
	updatedAt: updatedAt()
});

/**
 * The shared learning agenda kept with a charter: a reading, talk or course chosen by a team,
 * with an owner, a discussion date and the takeaways recorded afterwards. Not part of any
 * version's content or hash; exports carry it as an appendix.
 */
export const learningItem = pgTable(
	'learning_item',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		title: text('title').notNull(),
		kind: text('kind', { enum: ['reading', 'talk', 'course'] }).notNull(),
		teamId: text('team_id').references(() => team.id, { onDelete: 'set null' }),
		ownerName: text('owner_name').notNull(),
		/** A calendar date, YYYY-MM-DD. */
		discussOn: text('discuss_on').notNull(),
		takeaways: text('takeaways').notNull().default(''),
		status: text('status', { enum: ['proposed', 'accepted'] })
			.notNull()
			.default('proposed'),
		/** Who proposed it, in words ("a participant of Sales", "Facilitator Fay"). */
		proposedBy: text('proposed_by').notNull(),
		createdAt: createdAt(),
		updatedAt: updatedAt()
	},
	(t) => [index('learning_item_workshop_idx').on(t.workshopId)]
);

/**
 * Evidence from a CRM lead report, per month: counts only. The lead rows, and anything that
 * names a lead or a person in them, are read during the upload and never stored. The terms
 * the month was judged against (SLA hours, clock, time zone, threshold) are kept with it.
 */
export const crmEvidencePeriod = pgTable(
	'crm_evidence_period',
	{
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		/** A month, 2027-03 (the MQL date's month in the export's time zone). */
		period: text('period').notNull(),
		versionNumber: integer('version_number').notNull(),
		mqls: integer('mqls').notNull(),
		withinSla: integer('within_sla').notNull(),
		atThreshold: integer('at_threshold').notNull(),
		returnedToNurture: integer('returned_to_nurture').notNull(),
		returnedWithoutReason: integer('returned_without_reason').notNull(),
		sqls: integer('sqls').notNull(),
		slaHours: doublePrecision('sla_hours'),
		hourMode: text('hour_mode', { enum: ['calendar', 'business'] }).notNull(),
		timeZone: text('time_zone').notNull(),
		threshold: doublePrecision('threshold'),
		recordedBy: text('recorded_by').notNull(),
		updatedAt: updatedAt()
	},
	(t) => [primaryKey({ columns: [t.workshopId, t.period] })]
);

/**
 * A facilitation firm: its members see its clients' workshops by their role in it. Its brand
 * (accent colour, logo) shows on what the room sees; the logo is stored re-encoded (brand.ts).
 */
export const firm = pgTable('firm', {
	id: text('id').primaryKey(),
	name: text('name').notNull(),
	/** A CSS hex colour with at least 4.5:1 contrast on white, or null for the product's own. */
	accentColour: text('accent_colour'),
	logo: bytea('logo'),
	/** The re-encoded logo's media type (image/png or image/webp). */
	logoType: text('logo_type'),
	createdAt: createdAt(),
	updatedAt: updatedAt()
});

/** One firm per account: its role there decides what it may do (domain/permissions.ts). */
export const firmMember = pgTable(
	'firm_member',
	{
		firmId: text('firm_id')
			.notNull()
			.references(() => firm.id, { onDelete: 'cascade' }),
		accountId: text('account_id')
			.notNull()
			.references(() => account.id, { onDelete: 'cascade' }),
		role: text('role', { enum: ['owner', 'facilitator', 'producer'] }).notNull(),
		createdAt: createdAt()
	},
	(t) => [
		primaryKey({ columns: [t.firmId, t.accountId] }),
		uniqueIndex('firm_member_account_key').on(t.accountId)
	]
);

/** A client of the firm; its workshops belong to it, and it may carry its own brand. */
export const client = pgTable(
	'client',
	{
		id: text('id').primaryKey(),
		firmId: text('firm_id')
			.notNull()
			.references(() => firm.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		accentColour: text('accent_colour'),
		logo: bytea('logo'),
		logoType: text('logo_type'),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('client_firm_name_key').on(t.firmId, t.name)]
);

/**
 * An invitation to join a firm, sent by email or copied as a link. Only the SHA-256 of the
 * link's secret is kept (like password resets); it works once and expires.
 */
export const firmInvitation = pgTable(
	'firm_invitation',
	{
		id: text('id').primaryKey(),
		firmId: text('firm_id')
			.notNull()
			.references(() => firm.id, { onDelete: 'cascade' }),
		email: text('email').notNull(),
		role: text('role', { enum: ['owner', 'facilitator', 'producer'] }).notNull(),
		tokenHash: text('token_hash').notNull(),
		invitedBy: text('invited_by').references(() => account.id, { onDelete: 'set null' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		acceptedAt: timestamp('accepted_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('firm_invitation_token_key').on(t.tokenHash),
		index('firm_invitation_firm_idx').on(t.firmId)
	]
);

/**
 * The run-sheet of a stage, kept by its facilitators: the planned duration (the timebox when
 * unset) and their private notes (script, questions, who to draw in). Notes live here only,
 * never in a shared document: participants, leaders and the projector receive documents.
 */
export const stagePlan = pgTable(
	'stage_plan',
	{
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		stageKey: text('stage_key').notNull(),
		plannedMinutes: integer('planned_minutes'),
		notes: text('notes').notNull().default(''),
		updatedBy: text('updated_by'),
		updatedAt: updatedAt()
	},
	(t) => [primaryKey({ columns: [t.workshopId, t.stageKey] })]
);

/** When the day is planned to start; planned stage starts follow from the planned durations. */
export const runSheet = pgTable('run_sheet', {
	workshopId: text('workshop_id')
		.primaryKey()
		.references(() => workshop.id, { onDelete: 'cascade' }),
	dayStartsAt: timestamp('day_starts_at', { withTimezone: true }),
	updatedAt: updatedAt()
});

/**
 * When the room was actually on a stage: one row per visit, opened by "Bring everyone here",
 * closed by the next move (or the end of the session). At most one visit is open per workshop,
 * which the partial unique index holds even when two consoles move the room at once.
 */
export const stageVisit = pgTable(
	'stage_visit',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		stageKey: text('stage_key').notNull(),
		startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
		endedAt: timestamp('ended_at', { withTimezone: true })
	},
	(t) => [
		index('stage_visit_workshop_idx').on(t.workshopId, t.startedAt),
		uniqueIndex('stage_visit_open_key')
			.on(t.workshopId)
			.where(sql`${t.endedAt} is null`)
	]
);

/**
 * What facilitators did during the live run, and who: moves, the timer, locks, reveals, the
 * spotlight, the run-sheet. The charter keeps its own hash-chained trail (charter_event).
 */
export const workshopEvent = pgTable(
	'workshop_event',
	{
		id: text('id').primaryKey(),
		workshopId: text('workshop_id')
			.notNull()
			.references(() => workshop.id, { onDelete: 'cascade' }),
		accountId: text('account_id').references(() => account.id, { onDelete: 'set null' }),
		/** The account's name when it acted, kept if the account is renamed or deleted. */
		actorName: text('actor_name').notNull(),
		action: text('action').notNull(),
		stageKey: text('stage_key'),
		detail: jsonb('detail').$type<Record<string, string | number | boolean | null>>(),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('workshop_event_workshop_idx').on(t.workshopId, t.at)]
);
