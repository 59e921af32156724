import type { Logger } from '@chatty/shared';
import { actionIdsWithSecrets, lockSealedSecrets, writeSealedSecrets } from '../db/action.repository.js';
import type { Db } from '../db/index.js';
import { keyIdOf, type SecretKeyring } from './secret-box.js';
import { openSecrets, sealSecrets } from './secret-headers.js';

export interface RotationReport {
  /** Actions whose secrets were sealed again under the current key. */
  resealed: number;
  /** Actions already under the current key. */
  current: number;
  /** Actions whose secrets no key opens (their owners must enter them again); left as they are. */
  unreadable: string[];
}

const BATCH = 100;

/**
 * Seals every action secret again under the keyring's current key: the step between adding a new key
 * to ACTION_SECRETS_KEYS and removing the old one. Each row is read and written under its row lock, so
 * it may run while the registry serves (an update in between is not lost), and it may be run again: a
 * row already under the current key is left alone.
 */
export async function rotateActionSecrets(
  db: Db,
  keyring: SecretKeyring,
  log: Logger,
): Promise<RotationReport> {
  const report: RotationReport = { resealed: 0, current: 0, unreadable: [] };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const ids = await actionIdsWithSecrets(db, after, BATCH);
    if (ids.length === 0) return report;
    for (const id of ids) await rotateOne(db, keyring, id, report, log);
    after = ids.at(-1)!;
  }
}

async function rotateOne(db: Db, keyring: SecretKeyring, id: string, report: RotationReport, log: Logger) {
  await db.transaction().execute(async (trx) => {
    const row = await lockSealedSecrets(trx, id);
    if (!row) return;
    const sealed = [row.secret_headers, row.secret_parameters];
    if (
      sealed.every(
        (value) => value === null || (value.startsWith('v3:') && keyIdOf(value) === keyring.current.id),
      )
    ) {
      report.current++;
      return;
    }
    try {
      const [headers, parameters] = sealed.map((value) =>
        sealSecrets(keyring, openSecrets(keyring, value, row), row),
      );
      await writeSealedSecrets(trx, id, {
        secret_headers: headers ?? null,
        secret_parameters: parameters ?? null,
      });
      report.resealed++;
    } catch {
      log.warn({ actionId: id }, 'action secrets open with no key; left as they are');
      report.unreadable.push(id);
    }
  });
}
