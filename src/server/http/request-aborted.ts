// The client went away before its request body was read (a reset, a dropped link): a normal
// event on a mobile network, not a failure of the server. The body stream errors with this, so
// the handler answers it as the client's doing, without an error log.
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError';
  constructor() {
    super('the request ended before its body was read');
  }
}
