import type { ActionExecutor } from '../../actions/execute-action.js';
import type { SecretKeys } from '../../actions/secret-box.js';

export interface ActionRouteOptions extends Record<string, unknown> {
  /** The AES-256-GCM key for secret headers: deriveKey(secret, 'action-secrets'). */
  key: SecretKeys;
  execute: ActionExecutor;
  /** ACTION_RATE_PER_MINUTE: executions per user per minute (0: no limit). */
  executionsPerMinute: number;
}
