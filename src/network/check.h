/* Private to src/network: the field checks its writers (units.c, visits.c, assign.c) share. Not a
 * public header: the module's public face is network.h. */
#ifndef DUIJIE_NETWORK_CHECK_H
#define DUIJIE_NETWORK_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* A text field: valid UTF-8 of at most max bytes; NULL or "" only when not is_required. Errors
 * name field. */
int network_check_text(const char *s, const char *field, bool is_required, size_t max,
                       struct error *err);
/* A USCC (统一社会信用代码), checked and normalised into norm (18 characters and a NUL); an
 * invalid one is an error on the field "uscc" saying why. */
int network_check_uscc(const char *uscc, char norm[20], struct error *err);

#endif
