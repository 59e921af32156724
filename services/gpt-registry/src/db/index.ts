import type { Kysely } from 'kysely';
import type { RegistryDatabase } from './schema.js';

/** The registry's database, or a transaction on it: every repository takes one. */
export type Db = Kysely<RegistryDatabase>;

export { isForeignKeyViolation, isUniqueViolation } from '@chatty/shared';
export { inTransaction } from './in-transaction.js';
