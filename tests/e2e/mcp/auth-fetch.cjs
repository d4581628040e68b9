// Preloaded into the MCP Inspector CLI (node --require) by Hub's tests: inspector 0.15.0, the last release that runs
// on Node 20, has no option to send headers over HTTP, so this adds `Authorization: Bearer $HUB_MCP_TOKEN` to its
// requests to $HUB_MCP_URL. The client logic under test (initialize, tools/list, tools/call) stays the inspector's own.
const url = process.env.HUB_MCP_URL;
const token = process.env.HUB_MCP_TOKEN;
const original = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const target = typeof input === 'string' ? input : input.url ?? String(input);
  if (url && token && target.startsWith(url)) {
    const headers = new Headers(init.headers ?? {});
    headers.set('Authorization', `Bearer ${token}`);
    init = { ...init, headers };
  }
  return original(input, init);
};
