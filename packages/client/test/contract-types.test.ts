import type { ChatEvent, ChattyClient } from '@chatty/client';
import type {
  ACTION_ROUTES,
  AnswerOf,
  AUTH_ROUTES,
  BodyOf,
  CHAT_ROUTES,
  ChatStreamEventData,
  FILE_ROUTES,
  GPT_ROUTES,
  MODEL_ROUTES,
} from '@chatty/contracts';
import { describe, expectTypeOf, it } from 'vitest';

/*
 * The client's types are the contracts' types: checked by the compiler (`npm run typecheck` compiles
 * this file), so a method typed by hand and drifting from its route's contract fails the build.
 */
type Item<T> = T extends { items: Array<infer I> } ? I : never;

describe('the client is typed by the contracts', () => {
  it('answers with each route’s answer', () => {
    expectTypeOf<ReturnType<ChattyClient['me']>>().toEqualTypeOf<Promise<AnswerOf<typeof AUTH_ROUTES.me>>>();
    expectTypeOf<ReturnType<ChattyClient['getGpt']>>().toEqualTypeOf<
      Promise<AnswerOf<typeof GPT_ROUTES.get>>
    >();
    expectTypeOf<ReturnType<ChattyClient['createGpt']>>().toEqualTypeOf<
      Promise<AnswerOf<typeof GPT_ROUTES.create>>
    >();
    expectTypeOf<ReturnType<ChattyClient['listGpts']>>().toEqualTypeOf<
      Promise<Array<Item<AnswerOf<typeof GPT_ROUTES.list>>>>
    >();
    expectTypeOf<ReturnType<ChattyClient['listSharedGpts']>>().toEqualTypeOf<
      Promise<Array<Item<AnswerOf<typeof GPT_ROUTES.shared>>>>
    >();
    expectTypeOf<ReturnType<ChattyClient['listModels']>>().toEqualTypeOf<
      Promise<Array<Item<AnswerOf<typeof MODEL_ROUTES.list>>>>
    >();
    expectTypeOf<ReturnType<ChattyClient['importGpt']>>().toEqualTypeOf<
      Promise<AnswerOf<typeof GPT_ROUTES.import>>
    >();
    expectTypeOf<ReturnType<ChattyClient['getFile']>>().toEqualTypeOf<
      Promise<AnswerOf<typeof FILE_ROUTES.get>>
    >();
    expectTypeOf<ReturnType<ChattyClient['executeAction']>>().toEqualTypeOf<
      Promise<AnswerOf<typeof ACTION_ROUTES.execute>>
    >();
    expectTypeOf<ReturnType<ChattyClient['getSession']>>().toEqualTypeOf<
      Promise<AnswerOf<typeof CHAT_ROUTES.getSession>>
    >();
    expectTypeOf<ReturnType<ChattyClient['sendMessage']>>().toEqualTypeOf<
      Promise<AnswerOf<typeof CHAT_ROUTES.sendMessage>['message']>
    >();
  });

  it('sends each route’s body', () => {
    expectTypeOf<Parameters<ChattyClient['createGpt']>[0]>().toEqualTypeOf<
      BodyOf<typeof GPT_ROUTES.create>
    >();
    expectTypeOf<Parameters<ChattyClient['updateGpt']>[1]>().toEqualTypeOf<
      BodyOf<typeof GPT_ROUTES.update>
    >();
    expectTypeOf<Parameters<ChattyClient['createAction']>[1]>().toEqualTypeOf<
      BodyOf<typeof ACTION_ROUTES.create>
    >();
    expectTypeOf<Parameters<ChattyClient['updateAction']>[1]>().toEqualTypeOf<
      BodyOf<typeof ACTION_ROUTES.update>
    >();
  });

  it('streams the contracts’ chat events', () => {
    expectTypeOf<Extract<ChatEvent, { type: 'done' }>['message']>().toEqualTypeOf<
      ChatStreamEventData<'done'>['message']
    >();
    expectTypeOf<Omit<Extract<ChatEvent, { type: 'confirm' }>, 'type'>>().toEqualTypeOf<
      ChatStreamEventData<'confirm'>
    >();
  });
});
