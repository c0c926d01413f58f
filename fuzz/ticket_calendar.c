/* libFuzzer target for ticket_calendar_parse (src/ticket/ticket.h): any bytes give a calendar or
 * an error with both messages and a line, never a crash; an accepted calendar is sorted, and
 * adding N working days then counting them back gives N. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ticket/ticket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct ticket_calendar c;
    struct error err;
    error_clear(&err);
    if (ticket_calendar_parse((const char *)data, size, &c, &err)) {
        if (!err.zh[0] || !err.en[0] || err.line < 1) abort();
        return 0;
    }
    for (int i = 1; i < c.n_holidays; i++)
        if (c.holidays[i - 1] > c.holidays[i]) abort();
    for (int i = 1; i < c.n_workdays; i++)
        if (c.workdays[i - 1] > c.workdays[i]) abort();
    int32_t from = c.n_holidays ? c.holidays[0] - 3 : 20000;
    int32_t due = ticket_add_workdays(&c, from, 25);
    if (ticket_workdays_between(&c, from, due) != 25) abort();
    ticket_calendar_release(&c);
    return 0;
}
