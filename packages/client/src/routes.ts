import {
  ACTION_ROUTES,
  AUTH_ROUTES,
  CHAT_ROUTES,
  pathOf as contractPath,
  FILE_ROUTES,
  GPT_ROUTES,
  MODEL_ROUTES,
  OPENAI_ROUTES,
  type RouteContract,
} from '@chatty/contracts';

/**
 * Every route the client calls, by the name the client gives it: each is its contract in
 * @chatty/contracts, so the method, the path and the answer's type come from there.
 * test/contracts/client-agreement.test.ts drives the client against a started origin and checks each
 * answer against its contract.
 */
export const ROUTES = {
  me: AUTH_ROUTES.me,
  listModels: MODEL_ROUTES.list,
  openAiModels: OPENAI_ROUTES.models,
  openAiModel: OPENAI_ROUTES.model,
  listGpts: GPT_ROUTES.list,
  listSharedGpts: GPT_ROUTES.shared,
  getGpt: GPT_ROUTES.get,
  createGpt: GPT_ROUTES.create,
  updateGpt: GPT_ROUTES.update,
  deleteGpt: GPT_ROUTES.delete,
  listVersions: GPT_ROUTES.versions,
  exportGpt: GPT_ROUTES.export,
  importGpt: GPT_ROUTES.import,
  listFiles: FILE_ROUTES.list,
  uploadFile: FILE_ROUTES.upload,
  getFile: FILE_ROUTES.get,
  updateFile: FILE_ROUTES.update,
  deleteFile: FILE_ROUTES.delete,
  listActions: ACTION_ROUTES.list,
  createAction: ACTION_ROUTES.create,
  updateAction: ACTION_ROUTES.update,
  deleteAction: ACTION_ROUTES.delete,
  executeAction: ACTION_ROUTES.execute,
  createSession: CHAT_ROUTES.createSession,
  listSessions: CHAT_ROUTES.listSessions,
  getSession: CHAT_ROUTES.getSession,
  deleteSession: CHAT_ROUTES.deleteSession,
  sendMessage: CHAT_ROUTES.sendMessage,
  confirm: CHAT_ROUTES.confirm,
} as const satisfies Record<string, RouteContract>;

export type RouteName = keyof typeof ROUTES;

/** The route's path with its parameters filled in (each encoded). */
export function pathOf(name: RouteName, params: Record<string, string> = {}): string {
  return contractPath(ROUTES[name], params);
}
