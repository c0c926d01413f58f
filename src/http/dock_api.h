/* Shared by the dock route files (api_dock.c, api_dock_match.c, api_dock_events.c) only: who is
 * asking in docking terms, and the small reply helpers they all use. The public face is http.h. */
#ifndef DUIJIE_HTTP_DOCK_API_H
#define DUIJIE_HTTP_DOCK_API_H

#include "auth/auth.h"
#include "dock/dock.h"
#include "dock/dock_store.h"
#include "http/http.h"
#include "store/store.h"

/* What the actor sees of docking: an organiser (admin, hub, officer; a centre, station or
 * commissioner within its area) everything, a bank its matched needs and its own pipeline, an
 * investor its matches, an enterprise itself. Lists and exports (?format=) use src/http/list.c's
 * http_query_format and http_reply_export. */
enum dock_view { DOCK_NONE, DOCK_ORGANISER, DOCK_AREA, DOCK_BANK, DOCK_INVESTOR, DOCK_ENTERPRISE };

enum dock_view dock_view_of(const struct actor *a);
/* A 403 unless the actor is an organiser (DOCK_ORGANISER or DOCK_AREA); returns -1 after it. */
int dock_need_organiser(struct http_request *req, struct http_response *res);
/* Whether the actor may see the enterprise (organiser, its area, or itself). */
bool dock_sees_uscc(const struct actor *a, const char *uscc, const char *region);
void dock_forbidden(struct http_response *res);
/* The {id} path parameter as a positive integer, or a 400 and -1. */
int dock_param_id(struct http_request *req, const char *name, int64_t *out,
                  struct http_response *res);
/* ?date=YYYY-MM-DD or today; a 400 and -1 on a bad date. */
int dock_today(struct http_request *req, int32_t *today, struct http_response *res);
/* Replies with err (status from its code) and returns -1. */
int dock_fail(struct http_response *res, const struct error *err);
/* Enterprise profiles from the request's store for the dock *_with functions. */
int dock_profile_from_store(void *ctx, const char *uscc, struct profile *p, struct arena *a);

#endif
