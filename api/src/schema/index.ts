// Imports every type module (each registers itself on the builder), then builds the schema.
import { builder } from './builder.ts';
import './task.ts';
import './task-events.ts';
import './user.ts';
import './task-owner.ts';

export const schema = builder.toSchema({ sortSchema: true });
