CREATE TABLE "calibration" (
	"workshop_id" text NOT NULL,
	"stage_key" text NOT NULL,
	"leads" jsonb NOT NULL,
	"categories" jsonb NOT NULL,
	"focus_lead_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calibration_workshop_id_stage_key_pk" PRIMARY KEY("workshop_id","stage_key")
);
--> statement-breakpoint
ALTER TABLE "agreement_evidence" ADD COLUMN "calibration_poll_id" text;--> statement-breakpoint
ALTER TABLE "poll" ADD COLUMN "leads" jsonb;--> statement-breakpoint
ALTER TABLE "calibration" ADD CONSTRAINT "calibration_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agreement_evidence" ADD CONSTRAINT "agreement_evidence_calibration_poll_id_poll_id_fk" FOREIGN KEY ("calibration_poll_id") REFERENCES "public"."poll"("id") ON DELETE set null ON UPDATE no action;