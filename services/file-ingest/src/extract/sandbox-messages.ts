import type { Extracted, ExtractKind, ExtractLimits } from './types.js';

export interface SandboxRequest {
  id: number;
  kind: ExtractKind;
  bytes: Uint8Array;
  limits: ExtractLimits;
}

export type SandboxReply =
  | { id: number; type: 'progress'; fraction: number }
  | { id: number; type: 'done'; result: Extracted }
  | { id: number; type: 'error'; refused: boolean; outOfMemory: boolean; message: string };
