export { type ActionRunnerApp, type ActionRunnerOverrides, buildActionRunner } from './app.js';
export { type ActionRunnerConfig, ActionRunnerEnv, loadActionRunnerConfig } from './config.js';
export { parseAllowList } from './egress/allow-list.js';
export { refusalOf } from './egress/classify-address.js';
export type { ResolvedAddress, Resolver } from './egress/resolver.js';
export { renderRequest, USER_AGENT } from './request/render-request.js';
