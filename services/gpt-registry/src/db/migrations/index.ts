import type { MigrationSet } from '@chatty/shared';
import type { Migration } from 'kysely';
import type { RegistryDatabase } from '../schema.js';
import * as usersAndKeys from './2026_11_25_0001_users_and_keys.js';
import * as gpts from './2026_11_25_0002_gpts.js';
import * as gptContext from './2026_11_25_0003_gpt_context.js';
import * as actions from './2026_11_25_0004_actions.js';
import * as blobDeletion from './2026_11_25_0005_blob_deletion.js';
import * as gptAvatar from './2026_12_01_0001_gpt_avatar.js';
import * as workspaces from './2026_12_02_0101_workspaces.js';
import * as sessionsAndKeyScopes from './2026_12_02_0201_sessions_and_key_scopes.js';
import * as actionConfirmation from './2026_12_02_0202_action_confirmation.js';
import * as secretParameters from './2026_12_02_0203_secret_parameters.js';
import * as gptDeletionAndRunAudit from './2026_12_02_0204_gpt_deletion_and_run_audit.js';
import * as actionToolName from './2026_12_02_0501_action_tool_name.js';
import * as accountInvitations from './2026_12_03_0101_account_invitations.js';
import * as gptChangeNotices from './2026_12_04_0101_gpt_change_notices.js';
import * as gptNoticesSkipCounts from './2026_12_05_0101_gpt_notices_skip_counts.js';
import * as cataloguePageIndex from './2026_12_06_0101_catalogue_page_index.js';

/** Every registry migration by name; names sort in the order they apply. */
export const registryMigrations: Record<string, Migration> = {
  '2026_11_25_0001_users_and_keys': usersAndKeys,
  '2026_11_25_0002_gpts': gpts,
  '2026_11_25_0003_gpt_context': gptContext,
  '2026_11_25_0004_actions': actions,
  '2026_11_25_0005_blob_deletion': blobDeletion,
  '2026_12_01_0001_gpt_avatar': gptAvatar,
  '2026_12_02_0101_workspaces': workspaces,
  '2026_12_02_0201_sessions_and_key_scopes': sessionsAndKeyScopes,
  '2026_12_02_0202_action_confirmation': actionConfirmation,
  '2026_12_02_0203_secret_parameters': secretParameters,
  '2026_12_02_0204_gpt_deletion_and_run_audit': gptDeletionAndRunAudit,
  '2026_12_02_0501_action_tool_name': actionToolName,
  '2026_12_03_0101_account_invitations': accountInvitations,
  '2026_12_04_0101_gpt_change_notices': gptChangeNotices,
  '2026_12_05_0101_gpt_notices_skip_counts': gptNoticesSkipCounts,
  '2026_12_06_0101_catalogue_page_index': cataloguePageIndex,
};

export const REGISTRY_MIGRATION_TABLE = 'registry_migration';

/** What prepareDatabase and the migrate program apply for gpt-registry. */
export const registryMigrationSet: MigrationSet<RegistryDatabase> = {
  service: 'gpt-registry',
  table: REGISTRY_MIGRATION_TABLE,
  migrations: registryMigrations,
};
