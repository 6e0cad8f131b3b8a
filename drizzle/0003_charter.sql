CREATE TABLE "charter" (
	"workshop_id" text PRIMARY KEY NOT NULL,
	"draft" jsonb NOT NULL,
	"audit_count" integer DEFAULT 0 NOT NULL,
	"audit_head" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "charter_event" (
	"workshop_id" text NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"at" text NOT NULL,
	"actor" text NOT NULL,
	"version_id" text,
	"data" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "charter_event_workshop_id_seq_pk" PRIMARY KEY("workshop_id","seq")
);
--> statement-breakpoint
CREATE TABLE "charter_measure_value" (
	"workshop_id" text NOT NULL,
	"measure_id" text NOT NULL,
	"period" text NOT NULL,
	"value" double precision NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "charter_measure_value_workshop_id_measure_id_period_pk" PRIMARY KEY("workshop_id","measure_id","period")
);
--> statement-breakpoint
CREATE TABLE "charter_review" (
	"id" text PRIMARY KEY NOT NULL,
	"version_id" text NOT NULL,
	"invite_id" text NOT NULL,
	"kind" text NOT NULL,
	"section_key" text,
	"text" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "charter_signature" (
	"id" text PRIMARY KEY NOT NULL,
	"version_id" text NOT NULL,
	"invite_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"full_name" text,
	"title" text,
	"hash_shown" text,
	"signed_at" timestamp with time zone,
	"voided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "charter_version" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"number" integer NOT NULL,
	"content" jsonb NOT NULL,
	"hash" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"superseded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "leader_invite" (
	"id" text PRIMARY KEY NOT NULL,
	"workshop_id" text NOT NULL,
	"name" text NOT NULL,
	"title" text NOT NULL,
	"email" text NOT NULL,
	"token_hash" text NOT NULL,
	"signing_order" integer,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leader_session" (
	"id" text PRIMARY KEY NOT NULL,
	"invite_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "charter" ADD CONSTRAINT "charter_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charter_event" ADD CONSTRAINT "charter_event_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charter_measure_value" ADD CONSTRAINT "charter_measure_value_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charter_review" ADD CONSTRAINT "charter_review_version_id_charter_version_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."charter_version"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charter_review" ADD CONSTRAINT "charter_review_invite_id_leader_invite_id_fk" FOREIGN KEY ("invite_id") REFERENCES "public"."leader_invite"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charter_signature" ADD CONSTRAINT "charter_signature_version_id_charter_version_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."charter_version"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charter_signature" ADD CONSTRAINT "charter_signature_invite_id_leader_invite_id_fk" FOREIGN KEY ("invite_id") REFERENCES "public"."leader_invite"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "charter_version" ADD CONSTRAINT "charter_version_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leader_invite" ADD CONSTRAINT "leader_invite_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leader_session" ADD CONSTRAINT "leader_session_invite_id_leader_invite_id_fk" FOREIGN KEY ("invite_id") REFERENCES "public"."leader_invite"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "charter_review_version_idx" ON "charter_review" USING btree ("version_id");--> statement-breakpoint
CREATE UNIQUE INDEX "charter_signature_version_invite_key" ON "charter_signature" USING btree ("version_id","invite_id");--> statement-breakpoint
CREATE UNIQUE INDEX "charter_version_workshop_number_key" ON "charter_version" USING btree ("workshop_id","number");--> statement-breakpoint
CREATE INDEX "charter_version_hash_idx" ON "charter_version" USING btree ("hash");--> statement-breakpoint
CREATE UNIQUE INDEX "leader_invite_token_hash_key" ON "leader_invite" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "leader_invite_workshop_idx" ON "leader_invite" USING btree ("workshop_id");--> statement-breakpoint
CREATE INDEX "leader_invite_email_idx" ON "leader_invite" USING btree ("email");--> statement-breakpoint
CREATE INDEX "leader_session_invite_idx" ON "leader_session" USING btree ("invite_id");