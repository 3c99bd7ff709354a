import type { Position as LspPosition } from 'yaml-language-server';

/** What the main thread asks of the yaml-language-server worker (see workerService.ts). */
export type WorkerRequest =
  | { readonly id: number; readonly op: 'validate'; readonly uri: string; readonly text: string }
  | { readonly id: number; readonly op: 'hover' | 'complete'; readonly uri: string; readonly text: string; readonly position: LspPosition }
  | { readonly id: number; readonly op: 'setSchema'; readonly schemaJson: string };

export type WorkerReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly message: string };

/** `workerData` of the worker: the schema it starts with. */
export interface WorkerData {
  readonly schemaJson: string;
}
