/* Owns the field checks shared by the network's writers (units, visits, reassignments): text
 * fields and USCCs. Does not own what is checked (units.c, visits.c, assign.c). */
#include <stdio.h>
#include <string.h>

#include "enterprise/enterprise.h"
#include "network/check.h"
#include "util/utf8.h"

int network_check_text(const char *s, const char *field, bool is_required, size_t max,
                       struct error *err) {
    if (!s || !*s) {
        if (!is_required) return 0;
        error_set(err, ERR_INVALID, "%s 不能为空", "%s must not be empty", field);
        return error_field(err, field);
    }
    size_t len = strlen(s);
    if (!utf8_is_valid(s, len, NULL)) {
        error_set(err, ERR_UTF8, "%s 不是有效的 UTF-8", "%s is not valid UTF-8", field);
        return error_field(err, field);
    }
    if (len > max) {
        error_set(err, ERR_TOO_LARGE, "%s 过长（最多 %zu 字节）",
                  "%s is too long (at most %zu bytes)", field, max);
        return error_field(err, field);
    }
    return 0;
}

int network_check_uscc(const char *uscc, char norm[20], struct error *err) {
    struct uscc_result r;
    uscc_check(uscc, uscc ? strlen(uscc) : 0, &r);
    if (!r.is_valid) {
        error_set(err, ERR_INVALID, "统一社会信用代码无效：%s", "invalid USCC: %s", r.error_zh);
        snprintf(err->en, sizeof err->en, "invalid USCC: %s", r.error_en);
        return error_field(err, "uscc");
    }
    memcpy(norm, r.code, 19); /* a valid code is 18 characters */
    norm[19] = 0;
    return 0;
}
