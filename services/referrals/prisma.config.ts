import { defineConfig } from 'prisma/config';

// The database URL is not needed to generate the client; migrations are
// applied by packages/db (see its README), so none is configured here.
export default defineConfig({ schema: 'prisma/schema.prisma' });
