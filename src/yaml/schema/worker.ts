/**
 * Entry of the worker thread that runs yaml-language-server (bundled as dist/yamlWorker.js). Schema
 * validation of a large file takes hundreds of milliseconds: here it runs beside the Istio rules
 * instead of after them, and never blocks the extension host's thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createYamlLanguageService, type YamlLanguageService } from './languageService';
import type { WorkerData, WorkerReply, WorkerRequest } from './protocol';
import { errorMessage } from '../../util/errors';

const port = parentPort;
if (!port) throw new Error('yamlWorker.js runs only as a worker thread');
const ready = createYamlLanguageService((workerData as WorkerData).schemaJson);

async function answer(service: YamlLanguageService, request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'validate':
      return service.validate(request.uri, request.text);
    case 'hover':
      return service.hover(request.uri, request.text, request.position);
    case 'complete':
      return service.complete(request.uri, request.text, request.position);
    case 'setSchema':
      service.setSchema(request.schemaJson);
      return undefined;
  }
}

port.on('message', (request: WorkerRequest) => {
  ready
    .then((service) => answer(service, request))
    .then(
      (value): WorkerReply => ({ id: request.id, ok: true, value }),
      (err: unknown): WorkerReply => ({ id: request.id, ok: false, message: errorMessage(err) }),
    )
    .then((reply) => {
      try {
        port.postMessage(reply);
      } catch (err) {
        // An answer that cannot be copied to the other thread still answers, as an error.
        port.postMessage({ id: request.id, ok: false, message: `unsendable answer: ${errorMessage(err)}` } satisfies WorkerReply);
      }
    });
});
