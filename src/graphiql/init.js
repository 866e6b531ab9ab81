// GraphiQL on POST /graphql of this server. Every asset is local; this file is the page's only
// own script (the CSP allows no inline script).

// Shown in the header editor: a template, not a key. The key pasted there is sent with each
// query and kept nowhere: no cookie (credentials 'omit'), no storage (see below).
const KEY_PLACEHOLDER = 'ak_... paste your key here';
const EXAMPLE_HEADERS = JSON.stringify({ 'X-API-Key': KEY_PLACEHOLDER }, null, 2);

const EXAMPLE_QUERY = `# Paste your key in "Headers" below, then run.
# Each root field mirrors a REST read operation
# (leads = GET /api/v1/leads) and needs its scope.
{
  leads(limit: 5) {
    items {
      id
      status
    }
    total
  }
}
`;

// GraphiQL keeps its tabs (query, variables, and headers unless told otherwise) in localStorage by
// default; this page keeps them in memory only: a reload starts afresh, no key outlives the tab.
function memoryStorage() {
  const items = new Map();
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
    key: (i) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
  };
}

// Same origin, JSON in and out; no cookie is ever sent (the API authenticates by header only).
// A transport-level refusal (401, 429, …) comes back as the API's error envelope, shown as is.
async function fetcher(params, options) {
  const headers = (options && options.headers) || {};
  // No key yet, or the template still in place (as when GraphiQL asks for the schema on load):
  // say what to do rather than send a request bound to fail with 401.
  const credentials = Object.keys(headers).filter((name) => /^(x-api-key|authorization)$/i.test(name));
  if (!credentials.length || credentials.some((name) => String(headers[name]).includes(KEY_PLACEHOLDER))) {
    return { errors: [{ message: 'Paste your API key into the Headers tab below (X-API-Key, or Authorization: Bearer) and run the query. Then ↻ in the sidebar loads the schema, for the docs and autocompletion.' }] };
  }
  const res = await window.fetch('/graphql', {
    method: 'POST',
    credentials: 'omit',
    headers: { Accept: 'application/json', ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { status: res.status, body: text };
  }
}

const root = window.ReactDOM.createRoot(window.document.getElementById('graphiql'));
root.render(
  window.React.createElement(window.GraphiQL, {
    fetcher,
    storage: memoryStorage(),
    shouldPersistHeaders: false,
    defaultQuery: EXAMPLE_QUERY,
    defaultHeaders: EXAMPLE_HEADERS,
    defaultEditorToolsVisibility: 'headers',
    isHeadersEditorEnabled: true,
  }),
);
