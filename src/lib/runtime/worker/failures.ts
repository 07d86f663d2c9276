/** An Error that carries a RuntimeErrorInfo through the worker's own code to its reply. */
import type { RuntimeErrorInfo } from '../errors';

export class RequestFailed extends Error {
  constructor(readonly info: RuntimeErrorInfo) {
    super(info.message);
    this.name = 'RequestFailed';
  }
}
