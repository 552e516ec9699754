// agent-store's interactive API docs: Swagger UI, from this server's jar, on this server's own /openapi.json.
// "Try it out" sends real requests to this server; "Authorize" takes an API key (Bearer) for this tab only.
'use strict';
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // no call to validator.swagger.io (the page's Content-Security-Policy would refuse it anyway)
  validatorUrl: null,
  persistAuthorization: false,
  displayRequestDuration: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
