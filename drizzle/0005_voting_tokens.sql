CREATE TABLE "poll_key" (
	"poll_id" text NOT NULL,
	"key_id" text NOT NULL,
	"team_id" text NOT NULL,
	"public_key" text NOT NULL,
	CONSTRAINT "poll_key_poll_id_key_id_pk" PRIMARY KEY("poll_id","key_id")
);
--> statement-breakpoint
ALTER TABLE "vote_receipt" RENAME TO "ballot_token";--> statement-breakpoint
ALTER TABLE "ballot" RENAME COLUMN "secret_hash" TO "token_hash";--> statement-breakpoint
ALTER TABLE "ballot_token" DROP CONSTRAINT "vote_receipt_poll_id_poll_id_fk";
--> statement-breakpoint
ALTER TABLE "ballot_token" DROP CONSTRAINT "vote_receipt_participant_id_participant_id_fk";
--> statement-breakpoint
DROP INDEX "ballot_poll_secret_key";--> statement-breakpoint
ALTER TABLE "ballot_token" DROP CONSTRAINT "vote_receipt_poll_id_participant_id_pk";--> statement-breakpoint
ALTER TABLE "ballot" ADD CONSTRAINT "ballot_poll_id_token_hash_pk" PRIMARY KEY("poll_id","token_hash");--> statement-breakpoint
ALTER TABLE "ballot_token" ADD CONSTRAINT "ballot_token_poll_id_participant_id_pk" PRIMARY KEY("poll_id","participant_id");--> statement-breakpoint
ALTER TABLE "ballot_token" ADD COLUMN "team_id" text;--> statement-breakpoint
ALTER TABLE "ballot_token" ADD COLUMN "key_id" text;--> statement-breakpoint
ALTER TABLE "ballot_token" ADD COLUMN "blinded_hash" text;--> statement-breakpoint
ALTER TABLE "ballot_token" ADD COLUMN "blind_signature" text;--> statement-breakpoint
ALTER TABLE "poll_key" ADD CONSTRAINT "poll_key_poll_id_poll_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."poll"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballot_token" ADD CONSTRAINT "ballot_token_poll_id_poll_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."poll"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ballot_token" ADD CONSTRAINT "ballot_token_participant_id_participant_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participant"("id") ON DELETE cascade ON UPDATE no action;