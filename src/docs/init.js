// Swagger UI on our own spec, every asset served locally (no CDN).
// "Try it out" must reach the server that serves this page (whatever its host and port), so that
// server is put first in the spec's `servers`; the spec's own entries stay selectable after it.
function start(source) {
  window.ui = SwaggerUIBundle({
    ...source,
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    // No top bar: it only offers to load another spec's URL.
    layout: 'BaseLayout',
    // The key pasted in "Authorize" stays in this tab only, never in localStorage.
    persistAuthorization: false,
    displayRequestDuration: true,
    tryItOutEnabled: true,
    validatorUrl: null,
  });
}

window.fetch('/openapi.json', { credentials: 'same-origin' })
  .then((res) => {
    if (!res.ok) throw new Error(`GET /openapi.json: ${res.status}`);
    return res.json();
  })
  .then((spec) => {
    const here = window.location.origin;
    const others = (spec.servers || []).filter((s) => s.url.replace(/\/+$/, '') !== here);
    spec.servers = [{ url: here, description: 'This server' }, ...others];
    start({ spec });
  })
  .catch(() => start({ url: '/openapi.json' }));
