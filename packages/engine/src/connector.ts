// The one place proxied sockets get their options and backend connects are issued, so every
// connection is set up the same way (undici's buildConnector is the model).
import { newConnectRequest, type TcpHandle, type UvRequest } from './tcp-handle.ts';

/** Keepalive probe delay for both sides of a proxied connection. */
const KEEPALIVE_INITIAL_DELAY_S = 30;

/** Nagle off and TCP keepalive on; on an unconnected handle libuv applies both at connect. */
export function tuneSocket(handle: TcpHandle): void {
  handle.setNoDelay(true);
  handle.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_S);
}

type ConnectCallback = (this: UvRequest, status: number, handle: TcpHandle) => void;

/**
 * Connects `handle` to an IP address. `oncomplete` runs once with 0 or a negative libuv error
 * code — also when the connect could not even start (then on the next turn of the loop, like
 * every other outcome).
 */
export function startConnect(handle: TcpHandle, ip: string, port: number, family: number, oncomplete: ConnectCallback): void {
  const req = newConnectRequest();
  req.oncomplete = oncomplete;
  const err = family === 6 ? handle.connect6(req, ip, port) : handle.connect(req, ip, port);
  if (err !== 0) setImmediate(failConnect, req, err, handle);
}

function failConnect(req: UvRequest, err: number, handle: TcpHandle): void {
  req.oncomplete?.call(req, err, handle);
}
