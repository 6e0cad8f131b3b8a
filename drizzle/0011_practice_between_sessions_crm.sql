CREATE TABLE "client" (
	"id" text PRIMARY KEY NOT NULL,
	"firm_id" text NOT NULL,
	"name" text NOT NULL,
	"accent_colour" text,
	"logo" "bytea",
	"logo_type" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crm_evidence_period" (
	"workshop_id" text NOT NULL,
	"period" text NOT NULL,
	"version_number" integer NOT NULL,
	"mqls" integer NOT NULL,
	"within_sla" integer NOT NULL,
	"at_threshold" integer NOT NULL,
	"returned_to_nurture" integer NOT NULL,
	"returned_without_reason" integer NOT NULL,
	"sqls" integer NOT NULL,
	"sla_hours" double precision,
	"hour_mode" text NOT NULL,
	"time_zone" text NOT NULL,
	"threshold" double precision,
	"recorded_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "crm_evidence_period_workshop_id_period_pk" PRIMARY KEY("workshop_id","period")
);
--> statement-breakpoint
CREATE TABLE "firm" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"accent_colour" text,
	"logo" "bytea",
	"logo_type" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "firm_invitation" (
	"id" text PRIMARY KEY NOT NULL,
	"firm_id" text NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" text,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "firm_member" (
	"firm_id" text NOT NULL,
	"account_id" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "firm_member_firm_id_account_id_pk" PRIMARY KEY("firm_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "learning_item" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"team_id" text,
	"owner_name" text NOT NULL,
	"discuss_on" text NOT NULL,
	"takeaways" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"proposed_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prework" (
	"workshop_id" text PRIMARY KEY NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "prework_answer" (
	"prompt_id" text NOT NULL,
	"participant_id" text NOT NULL,
	"workshop_id" text NOT NULL,
	"card_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prework_answer_prompt_id_participant_id_pk" PRIMARY KEY("prompt_id","participant_id")
);
--> statement-breakpoint
CREATE TABLE "prework_invite" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"email" text NOT NULL,
	"token_hash" text NOT NULL,
	"team_id" text,
	"participant_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prework_prompt" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"stage_key" text NOT NULL,
	"text" text NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_clause" (
	"review_id" text NOT NULL,
	"clause_id" text NOT NULL,
	"section_key" text NOT NULL,
	"text" text NOT NULL,
	"position" integer NOT NULL,
	"poll_id" text NOT NULL,
	"proposed_text" text,
	CONSTRAINT "review_clause_review_id_clause_id_pk" PRIMARY KEY("review_id","clause_id")
);
--> statement-breakpoint
CREATE TABLE "review_schedule" (
	"workshop_id" text PRIMARY KEY NOT NULL,
	"next_review_on" text,
	"reminded_for" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_session" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"version_id" text NOT NULL,
	"number" integer NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"period" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "run_sheet" (
	"workshop_id" text PRIMARY KEY NOT NULL,
	"day_starts_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stage_plan" (
	"workshop_id" text NOT NULL,
	"stage_key" text NOT NULL,
	"planned_minutes" integer,
	"notes" text DEFAULT '' NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stage_plan_workshop_id_stage_key_pk" PRIMARY KEY("workshop_id","stage_key")
);
--> statement-breakpoint
CREATE TABLE "stage_visit" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"stage_key" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workshop_event" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"account_id" text,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"stage_key" text,
	"detail" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workshop_template" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_id" text NOT NULL,
	"firm_id" text,
	"visibility" text DEFAULT 'private' NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"version" integer NOT NULL,
	"content" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workshop" ADD COLUMN "client_id" text;--> statement-breakpoint
ALTER TABLE "client" ADD CONSTRAINT "client_firm_id_firm_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firm"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_evidence_period" ADD CONSTRAINT "crm_evidence_period_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_invitation" ADD CONSTRAINT "firm_invitation_firm_id_firm_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firm"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_invitation" ADD CONSTRAINT "firm_invitation_invited_by_account_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_member" ADD CONSTRAINT "firm_member_firm_id_firm_id_fk" FOREIGN KEY ("firm_id") REFERENCES "public"."firm"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firm_member" ADD CONSTRAINT "firm_member_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learning_item" ADD CONSTRAINT "learning_item_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "learning_item" ADD CONSTRAINT "learning_item_team_id_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."team"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prework" ADD CONSTRAINT "prework_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prework_answer" ADD CONSTRAINT "prework_answer_prompt_id_prework_prompt_id_fk" FOREIGN KEY ("prompt_id") REFERENCES "public"."prework_prompt"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prework_answer" ADD CONSTRAINT "prework_answer_participant_id_participant_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participant"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prework_answer" ADD CONSTRAINT "prework_answer_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prework_invite" ADD CONSTRAINT "prework_invite_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prework_invite" ADD CONSTRAINT "prework_invite_team_id_team_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."team"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prework_invite" ADD CONSTRAINT "prework_invite_participant_id_participant_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participant"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prework_prompt" ADD CONSTRAINT "prework_prompt_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_clause" ADD CONSTRAINT "review_clause_review_id_review_session_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."review_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_clause" ADD CONSTRAINT "review_clause_poll_id_poll_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."poll"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_schedule" ADD CONSTRAINT "review_schedule_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_session" ADD CONSTRAINT "review_session_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_session" ADD CONSTRAINT "review_session_version_id_charter_version_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."charter_version"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_sheet" ADD CONSTRAINT "run_sheet_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_plan" ADD CONSTRAINT "stage_plan_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_visit" ADD CONSTRAINT "stage_visit_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workshop_event" ADD CONSTRAINT "workshop_event_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workshop_event" ADD CONSTRAINT "workshop_event_account_id_account_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workshop_template" ADD CONSTRAINT "workshop_template_owner_id_account_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "client_firm_name_key" ON "client" USING btree ("firm_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "firm_invitation_token_key" ON "firm_invitation" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "firm_invitation_firm_idx" ON "firm_invitation" USING btree ("firm_id");--> statement-breakpoint
CREATE UNIQUE INDEX "firm_member_account_key" ON "firm_member" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "learning_item_workshop_idx" ON "learning_item" USING btree ("workshop_id");--> statement-breakpoint
CREATE INDEX "prework_answer_workshop_idx" ON "prework_answer" USING btree ("workshop_id");--> statement-breakpoint
CREATE UNIQUE INDEX "prework_invite_token_hash_key" ON "prework_invite" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "prework_invite_workshop_email_key" ON "prework_invite" USING btree ("workshop_id","email");--> statement-breakpoint
CREATE INDEX "prework_prompt_workshop_idx" ON "prework_prompt" USING btree ("workshop_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_session_workshop_number_key" ON "review_session" USING btree ("workshop_id","number");--> statement-breakpoint
CREATE INDEX "stage_visit_workshop_idx" ON "stage_visit" USING btree ("workshop_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stage_visit_open_key" ON "stage_visit" USING btree ("workshop_id") WHERE "stage_visit"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "workshop_event_workshop_idx" ON "workshop_event" USING btree ("workshop_id","at");--> statement-breakpoint
CREATE INDEX "workshop_template_owner_idx" ON "workshop_template" USING btree ("owner_id");--> statement-breakpoint
ALTER TABLE "workshop" ADD CONSTRAINT "workshop_client_id_client_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."client"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workshop_client_idx" ON "workshop" USING btree ("client_id");