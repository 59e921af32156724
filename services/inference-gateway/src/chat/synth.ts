import type { ModelDefinition } from '@chatty/shared';
import type { GenerateRequest, Generation, ModelRouter } from '../pool/model-router.js';
import { modelUnavailable } from '../pool/model-router.js';

const MERGE_INSTRUCTIONS =
  'Several assistants answered the same request. Write the single best answer: keep what is correct and ' +
  'useful from each, resolve disagreements, and do not mention that there were several answers.';

/**
 * The seed's "Chatty Core": every member model answers, then the synthesizer merges their answers into
 * one, streamed. Members that fail are left out; with none left the request fails.
 */
export async function synthesize(
  router: ModelRouter,
  synth: ModelDefinition,
  request: GenerateRequest,
): Promise<Generation> {
  const members = (synth.members ?? [])
    .map((name) => router.catalog.resolve(name))
    .filter((model) => model !== undefined);
  const synthesizer = router.catalog.resolve(synth.synthesizer ?? '');
  if (!synthesizer) throw modelUnavailable(synth.id);
  const answers = await Promise.allSettled(
    members.map((model) =>
      router.generate({
        model,
        messages: request.messages,
        signal: request.signal,
        ...(request.owner && { owner: request.owner }),
      }),
    ),
  );
  const good = answers.flatMap((answer, index) =>
    answer.status === 'fulfilled' && answer.value.content.trim()
      ? [{ model: members[index]!.id, text: answer.value.content }]
      : [],
  );
  if (request.signal.aborted) throw request.signal.reason;
  if (good.length === 0) throw modelUnavailable(synth.id);
  const question = request.messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
  const merged = await router.generate({
    model: synthesizer,
    signal: request.signal,
    ...(request.owner && { owner: request.owner }),
    ...(request.onToken && { onToken: request.onToken }),
    // The merge is the answer: the client's cap, stop sequences and JSON format apply to it.
    ...(request.options && { options: request.options }),
    ...(request.format && { format: request.format }),
    messages: [
      { role: 'system', content: MERGE_INSTRUCTIONS },
      {
        role: 'user',
        content: `Request:\n${question}\n\n${good.map((answer, index) => `Answer ${index + 1}:\n${answer.text}`).join('\n\n')}`,
      },
    ],
  });
  return { ...merged, model: synth.id };
}
