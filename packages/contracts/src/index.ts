export * from './action.js';
export * from './api-key.js';
export * from './common.js';
export * from './file.js';
export * from './gpt.js';
export * from './portable.js';
export * from './usage.js';
export * from './user.js';
