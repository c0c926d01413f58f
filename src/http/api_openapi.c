/* Owns GET /api/openapi.yaml: the OpenAPI 3.0 document of every endpoint, assembled at build time
 * from the fragments in docs/openapi/ and embedded by openapi_data.S. Writes none of it. */
#include <string.h>

#include "http/internal.h"

extern const char http_openapi_yaml[];

static void openapi(struct http_request *req, struct http_response *res) {
    (void)req;
    http_reply_text(res, 200, "application/yaml; charset=utf-8", http_openapi_yaml,
                    strlen(http_openapi_yaml));
    http_add_header(res, "Cache-Control", "public, max-age=3600");
}

void http_routes_openapi(struct http_router *r) {
    http_route(r, "GET", "/api/openapi.yaml", openapi, 0);
}
