// Writes the schema's SDL to api/schema.graphql (committed; codegen and reviewers read it).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaSDL, SCHEMA_FILE } from '../schema/sdl.ts';

writeFileSync(fileURLToPath(SCHEMA_FILE), printSchemaSDL());
console.log(`wrote ${fileURLToPath(SCHEMA_FILE)}`);
