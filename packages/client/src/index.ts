export { ChattyClient, type ClientOptions, type Upload } from './client.js';
export { ChattyError, ChattyTimeoutError, errorOf, UnexpectedAnswerError } from './errors.js';
export type { UploadProgress } from './multipart.js';
export { pathOf, ROUTES, type RouteName } from './routes.js';
export { readEvents, type ServerSentEvent } from './sse.js';
export type * from './types.js';
