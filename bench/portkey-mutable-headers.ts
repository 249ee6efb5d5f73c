/**
 * Preloaded into the Portkey gateway process only (`node --import`), so the peer can stream at all.
 *
 * @portkey-ai/gateway 1.15.2 appends its `x-portkey-*` headers to the upstream fetch Response. With the
 * @hono/node-server it installs (1.19), that Response's headers keep fetch's `immutable` guard, so every
 * streamed chat completion fails with `TypeError: immutable` and a 500 (Portkey-AI/gateway#1389, open;
 * fix proposed in #1390). This gives Portkey what the fix gives it: an upstream Response with mutable
 * headers. The cost is one Response and one Headers copy per upstream call.
 */
const nativeFetch = globalThis.fetch;
const NativeResponse = globalThis.Response;
// Statuses whose Response may not carry a body.
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

globalThis.fetch = async (input, init) => {
  const upstream = await nativeFetch(input, init);
  return new NativeResponse(NULL_BODY_STATUSES.has(upstream.status) ? null : upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: new Headers(upstream.headers),
  });
};
