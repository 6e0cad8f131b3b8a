-- Custom SQL migration file, put your code below! --
-- Everyone who joined before admission existed was let in when they joined.
UPDATE "participant" SET "admitted_at" = "joined_at" WHERE "admitted_at" IS NULL;
