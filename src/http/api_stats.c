/* Owns GET /api/stats/money?by=clause|policy|department|district|industry|year|month: paid totals
 * (exact fen) per group within the caller's scope, approved-but-unpaid money and application
 * counts by state, for the dashboard. The sums are src/workflow's (workflow_stats). */
#include "http/internal.h"
#include "workflow/workflow.h"

static void money(struct http_request *req, struct http_response *res) {
    const char *by = http_query(req, "by");
    struct store *s = http_store(req, res);
    if (!s) return;
    json_t *o = NULL;
    struct error err;
    if (workflow_stats(s, http_actor(req), by && *by ? by : "clause", &o, &err))
        http_reply_err(res, 0, &err);
    else
        http_reply_json(res, 200, o);
}

void http_routes_stats(struct http_router *r) {
    http_route(r, "GET", "/api/stats/money", money, 0);
}
