CREATE TABLE "ballot" (
	"id" text PRIMARY KEY NOT NULL,
	"poll_id" text NOT NULL,
	"team_id" text NOT NULL,
	"choice" jsonb NOT NULL,
	"reason" text,
	"secret_hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"question" text NOT NULL,
	"agreement_id" text,
	"stage_key" text,
	"source_item_id" text,
	"options" jsonb NOT NULL,
	"dot_budget" integer,
	"dot_max_per_card" integer,
	"k" integer DEFAULT 3 NOT NULL,
	"max_objection_percent" integer DEFAULT 0 NOT NULL,
	"previous_poll_id" text,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"revealed_at" timestamp with time zone,
	CONSTRAINT "poll_k_at_least_3" CHECK ("poll"."k" >= 3)
);
--> statement-breakpoint
CREATE TABLE "vote_receipt" (
	"poll_id" text NOT NULL,
	"participant_id" text NOT NULL,
	CONSTRAINT "vote_receipt_poll_id_participant_id_pk" PRIMARY KEY("poll_id","participant_id")
);
--> statement-breakpoint
ALTER TABLE "agreement" ADD COLUMN "outcome" jsonb;--> statement-breakpoint
ALTER TABLE "ballot" ADD CONSTRAINT "ballot_poll_id_poll_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."poll"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll" ADD CONSTRAINT "poll_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll" ADD CONSTRAINT "poll_agreement_id_agreement_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."agreement"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_receipt" ADD CONSTRAINT "vote_receipt_poll_id_poll_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."poll"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vote_receipt" ADD CONSTRAINT "vote_receipt_participant_id_participant_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participant"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ballot_poll_secret_key" ON "ballot" USING btree ("poll_id","secret_hash");--> statement-breakpoint
CREATE INDEX "poll_workshop_idx" ON "poll" USING btree ("workshop_id");