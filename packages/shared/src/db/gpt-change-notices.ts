import { GPT_CHANGE_NOTICES } from '@chatty/contracts';
import type { Logger } from '../logger.js';
import { ChangeNotices } from './change-notices.js';

/**
 * The registry database's notices of changes to GPTs (GPT_CHANGE_NOTICES), on a connection named
 * `name` in pg_stat_activity; started by the caller.
 */
export function gptChangeNotices(url: string, name: string, logger: Logger): ChangeNotices {
  return new ChangeNotices({
    url,
    name,
    channel: GPT_CHANGE_NOTICES.channel,
    requires: GPT_CHANGE_NOTICES.trigger,
    logger: logger.child({ component: 'gpt-change-notices' }),
  });
}
