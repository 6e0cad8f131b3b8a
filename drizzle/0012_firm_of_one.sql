-- Custom SQL migration file, put your code below! --
-- Every facilitator who belongs to no firm becomes the owner of a firm of one, named after them.
INSERT INTO "firm" ("id", "name", "created_at", "updated_at")
SELECT 'f' || a."id", a."name", a."created_at", now()
FROM "account" a
WHERE a."role" = 'facilitator'
	AND NOT EXISTS (SELECT 1 FROM "firm_member" m WHERE m."account_id" = a."id");
--> statement-breakpoint
INSERT INTO "firm_member" ("firm_id", "account_id", "role")
SELECT f."id", a."id", 'owner'
FROM "account" a
JOIN "firm" f ON f."id" = 'f' || a."id"
WHERE a."role" = 'facilitator'
	AND NOT EXISTS (SELECT 1 FROM "firm_member" m WHERE m."account_id" = a."id");
--> statement-breakpoint
-- The client organisations each of them typed become the clients of their firm (one per name).
INSERT INTO "client" ("id", "firm_id", "name", "created_at")
SELECT 'c' || substr(md5(m."firm_id" || '/' || trim(w."client_organisation")), 1, 20),
	m."firm_id", trim(w."client_organisation"), min(w."created_at")
FROM "workshop" w
JOIN "firm_member" m ON m."account_id" = w."owner_id"
WHERE w."client_id" IS NULL
GROUP BY m."firm_id", trim(w."client_organisation")
ON CONFLICT ("firm_id", "name") DO NOTHING;
--> statement-breakpoint
-- Each workshop belongs to its client, and through it to its facilitator's firm.
UPDATE "workshop" w SET "client_id" = c."id"
FROM "firm_member" m, "client" c
WHERE w."client_id" IS NULL
	AND m."account_id" = w."owner_id"
	AND c."firm_id" = m."firm_id"
	AND c."name" = trim(w."client_organisation");
