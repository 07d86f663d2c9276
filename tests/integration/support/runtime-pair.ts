/**
 * A RuntimeClient talking to a WorkerHost over a real MessageChannel (structured clone and all),
 * in this process: the same code the browser runs in its worker, on onnxruntime-node.
 */
import { RuntimeClient } from '../../../src/lib/runtime/client';
import type { RequestMessage, ResponseMessage } from '../../../src/lib/runtime/protocol';
import { WorkerHost, type HostConfig } from '../../../src/lib/runtime/worker/host';

export interface RuntimePair {
  client: RuntimeClient;
  host: WorkerHost;
  close(): void;
}

/** `watch` sees every message, both ways, as it crosses the channel. */
export function connectRuntime(
  config: HostConfig,
  watch: { request?: (message: RequestMessage) => void; response?: (message: ResponseMessage) => void } = {},
): RuntimePair {
  const channel = new MessageChannel();
  const host = new WorkerHost((message) => {
    watch.response?.(message);
    channel.port2.postMessage(message);
  }, config);
  channel.port2.addEventListener('message', (event) => {
    const message = (event as MessageEvent<RequestMessage>).data;
    watch.request?.(message);
    host.receive(message);
  });
  channel.port2.start();
  channel.port1.start();
  const client = new RuntimeClient(channel.port1, {
    terminate: () => {
      channel.port1.close();
      channel.port2.close();
    },
  });
  return { client, host, close: () => client.close() };
}
