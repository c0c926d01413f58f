/* libFuzzer target for text_parse_money (src/text/number.h): any bytes give fen or an error with
 * both messages set, never a crash or an overflow; an accepted amount below 10^16 fen (a hundred
 * trillion yuan: beyond it the printed ".00" no longer fits int64 digits) printed by
 * money_format_yuan and parsed again gives the same fen. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/number.h"
#include "util/num.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int64_t fen = 0;
    struct error err;
    error_clear(&err);
    int rc = text_parse_money((const char *)data, size, &fen, &err);
    if (rc) {
        if (!err.zh[0] || !err.en[0]) abort();
        return 0;
    }
    if (fen >= 10000000000000000 || fen <= -10000000000000000) return 0;
    char buf[64];
    money_format_yuan(fen, buf, sizeof buf);
    int64_t again = 0;
    if (text_parse_money(buf, strlen(buf), &again, NULL) != 0 || again != fen) abort();
    return 0;
}
