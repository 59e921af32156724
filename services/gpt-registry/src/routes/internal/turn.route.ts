import { createHash } from 'node:crypto';
import { REGISTRY_INTERNAL_ROUTES } from '@chatty/contracts';
import { notFound } from '@chatty/shared';
import { toRuntimeAction } from '../../db/action.mapper.js';
import { listActions } from '../../db/action.repository.js';
import { findGptWithAccess } from '../../db/gpt.repository.js';
import { findTurnFacts } from '../../db/turn.repository.js';
import { seenAs } from '../gpts/visible-gpt.js';
import type { RegistryRoutes } from '../registry-routes.js';

/**
 * What the inference gateway reads at the start of a chat turn, in one call: the user's access, their
 * context, whether there is knowledge to search, and the GPT's runtime — left out when the gateway
 * already holds the same one. The gateway holds the answer while the database's change notices say
 * nothing it is made of changed (migration 2026_12_04_0101), so `source` names the database read.
 */
export const internalTurnRoutes: RegistryRoutes = async (app) => {
  app.addHook('onRequest', app.checkServiceToken);

  app.get(
    '/internal/gpts/:id/turn',
    {
      schema: {
        hide: true,
        ...REGISTRY_INTERNAL_ROUTES.turn.schema,
      },
    },
    async (request) => {
      const { userId, known } = request.query;
      const { id } = request.params;
      // Read side by side; nothing is returned before access is confirmed.
      const [found, facts, actionRows] = await Promise.all([
        findGptWithAccess(app.db, userId, id),
        findTurnFacts(app.db, id, userId),
        listActions(app.db, id, { activeOnly: true }),
      ]);
      if (!found) throw notFound('GPT');
      const runtime = { gpt: await seenAs(app.db, userId, found), actions: actionRows.map(toRuntimeAction) };
      // A digest of the runtime itself: equal stamps are equal runtimes, whatever changed in between.
      const stamp = createHash('sha256').update(JSON.stringify(runtime)).digest('base64url');
      const answer = {
        stamp,
        context: facts.context,
        hasFiles: facts.hasFiles,
        source: facts.source,
        ...(facts.knowledge !== null && { knowledge: facts.knowledge }),
      };
      return stamp === known ? answer : { ...answer, runtime };
    },
  );
};
