import { quotaExceeded } from '@chatty/shared';
import type { RegistryConfig } from '../config.js';

/** What one user may store; each limit is one environment variable (config.ts). */
export interface QuotaLimits {
  gpts: number;
  apiKeys: number;
  filesPerGpt: number;
  fileBytes: number;
  actionsPerGpt: number;
  workspaces: number;
  pendingInvitations: number;
}

export function quotaLimitsOf(config: RegistryConfig): QuotaLimits {
  return {
    gpts: config.QUOTA_GPTS,
    apiKeys: config.QUOTA_API_KEYS,
    filesPerGpt: config.QUOTA_FILES_PER_GPT,
    fileBytes: config.QUOTA_FILE_BYTES,
    actionsPerGpt: config.QUOTA_ACTIONS_PER_GPT,
    workspaces: config.QUOTA_WORKSPACES,
    pendingInvitations: config.QUOTA_PENDING_INVITATIONS,
  };
}

export type QuotaName = keyof QuotaLimits;

/** How each refusal reads: what is in use, the limit with the variable an operator changes, how to free room. */
const MESSAGES: Record<QuotaName, (used: number, adding: number, limit: number) => string> = {
  gpts: (used, _adding, limit) =>
    `You have ${used} GPTs and the limit is ${limit} per user (QUOTA_GPTS). Delete a GPT you no longer need to make room.`,
  apiKeys: (used, _adding, limit) =>
    `You have ${used} API keys and the limit is ${limit} per user (QUOTA_API_KEYS). Revoke a key you no longer use to make room.`,
  filesPerGpt: (used, _adding, limit) =>
    `This GPT has ${used} knowledge files and the limit is ${limit} per GPT (QUOTA_FILES_PER_GPT). Delete one of its files to make room.`,
  fileBytes: (used, adding, limit) =>
    `Your knowledge files take ${bytes(used)}${adding > 1 ? ` and this one is ${bytes(adding)}` : ''}; ` +
    `the limit is ${bytes(limit)} per user (QUOTA_FILE_BYTES). Delete knowledge files you no longer need to make room.`,
  actionsPerGpt: (used, adding, limit) =>
    `This GPT has ${used} actions${adding > 1 ? ` and ${adding} more were sent` : ''}; ` +
    `the limit is ${limit} per GPT (QUOTA_ACTIONS_PER_GPT). Delete actions it no longer needs to make room.`,
  workspaces: (used, _adding, limit) =>
    `You own ${used} team workspaces and the limit is ${limit} per user (QUOTA_WORKSPACES). Delete a workspace you no longer need to make room.`,
  pendingInvitations: (used, _adding, limit) =>
    `This workspace has ${used} pending invitations and the limit is ${limit} per workspace (QUOTA_PENDING_INVITATIONS). Revoke invitations that are no longer needed, expired ones first, to make room.`,
};

/** Throws 409 QUOTA_EXCEEDED unless `adding` more fits next to `used` under `limit`. */
export function ensureRoom(name: QuotaName, limit: number, used: number, adding = 1): void {
  if (used + adding <= limit) return;
  throw quotaExceeded(MESSAGES[name](used, adding, limit));
}

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes for people: exact below 1 KiB, else one decimal in binary units ("1.5 GiB"). */
function bytes(count: number): string {
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0
    ? `${count} bytes`
    : `${Number.isInteger(value) ? value : value.toFixed(1)} ${UNITS[unit]}`;
}
