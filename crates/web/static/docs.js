// Starts Swagger UI on our own document; kept in a file so the CSP needs no inline script.
window.addEventListener("load", function () {
  window.SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
