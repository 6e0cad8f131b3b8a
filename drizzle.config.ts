import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema and committed; they are applied at start-up
// (see src/lib/server/db/migrate.ts), never by hand.
export default defineConfig({
	schema: './src/lib/server/db/schema.ts',
	out: './drizzle',
	dialect: 'postgresql'
});
