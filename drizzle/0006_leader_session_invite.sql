CREATE TABLE "leader_session_invite" (
	"session_id" text NOT NULL,
	"invite_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "leader_session_invite_session_id_invite_id_pk" PRIMARY KEY("session_id","invite_id")
);
--> statement-breakpoint
ALTER TABLE "leader_session_invite" ADD CONSTRAINT "leader_session_invite_session_id_leader_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."leader_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leader_session_invite" ADD CONSTRAINT "leader_session_invite_invite_id_leader_invite_id_fk" FOREIGN KEY ("invite_id") REFERENCES "public"."leader_invite"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leader_session_invite_invite_idx" ON "leader_session_invite" USING btree ("invite_id");