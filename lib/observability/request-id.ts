/**
 * The request id: set by proxy.ts on every request (or kept from a load balancer in front, when
 * it sent a well-formed one), passed on to the route or action as a request header, returned to
 * the client as a response header, and written on every log line of that request.
 */
export const REQUEST_ID_HEADER = "x-request-id";

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

/** The incoming id when it is well-formed, else a new random one. */
export function requestIdFrom(headers: Headers): string {
  const given = headers.get(REQUEST_ID_HEADER);
  return given && WELL_FORMED.test(given) ? given : crypto.randomUUID();
}
