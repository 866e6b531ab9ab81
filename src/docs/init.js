// Swagger UI on our own spec, every asset served locally (no CDN).
function start(source) {
  window.ui = SwaggerUIBundle({
    ...source,
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    // No top bar: it only offers to load another spec's URL.
    layout: 'BaseLayout',
    // The key or identity-provider JWT pasted in "Authorize" (BearerAuth takes either) stays in this
    // tab only, never in localStorage.
    persistAuthorization: false,
    displayRequestDuration: true,
    tryItOutEnabled: true,
    validatorUrl: null,
  });
}

// "Try it out" calls the server that serves this page (whatever its host and port), listed first
// as an absolute URL so the curl line can be pasted; the spec's own servers (relative `/`, which
// is this one) follow, resolved and without duplicates.
function absoluteServers(spec) {
  const servers = [{ url: window.location.origin, description: 'This server' }];
  for (const s of spec.servers || []) {
    const url = new URL(s.url, window.location.href).href.replace(/\/+$/, '');
    if (!servers.some((t) => t.url === url)) servers.push({ ...s, url });
  }
  return servers;
}

// "Try it out" fills each field from the parameter's `examples`, `example` or `schema.example`,
// and a filled optional filter is sent: `updated_since` would silently filter and reorder a list.
// The spec keeps such examples in `schema.examples` (not prefilled); should one come back where
// Swagger reads it, it moves into the description here, for this page only.
function withoutPrefilledFilters(spec) {
  const clean = (p) => {
    if (!p || p.$ref || p.required === true) return;
    const example = p.example ?? (p.examples && Object.values(p.examples)[0]?.value) ?? p.schema?.example;
    if (example === undefined) return;
    delete p.example;
    delete p.examples;
    if (p.schema) delete p.schema.example;
    if (!(p.description || '').includes('Example')) {
      const shown = typeof example === 'string' ? example : JSON.stringify(example);
      p.description = `${p.description || ''} Example: \`${shown}\`.`.trim();
    }
  };
  Object.values(spec.components?.parameters || {}).forEach(clean);
  for (const item of Object.values(spec.paths || {})) {
    (item.parameters || []).forEach(clean);
    for (const op of Object.values(item)) if (op && Array.isArray(op.parameters)) op.parameters.forEach(clean);
  }
  return spec;
}

window.fetch('/openapi.json', { credentials: 'same-origin' })
  .then((res) => {
    if (!res.ok) throw new Error(`GET /openapi.json: ${res.status}`);
    return res.json();
  })
  .then((spec) => {
    spec.servers = absoluteServers(spec);
    start({ spec: withoutPrefilledFilters(spec) });
  })
  .catch(() => start({ url: '/openapi.json' }));
