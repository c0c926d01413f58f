/* Owns the import template (`duijie import --template OUT.xlsx`): one column per importable field
 * of the dictionary, headed by its Chinese label, with a comment on each header naming the key,
 * type and unit, and one example row that imports cleanly. Knows nothing of reading files. */
#include <stdio.h>
#include <string.h>

#include <xlsxwriter.h>

#include "import/import.h"
#include "util/date.h"

/* The example row, as a person would type it. */
static const char *example(enum field_id f, char *buf, size_t n) {
    switch (f) {
    case F_USCC: {
        const char *first17 = "91370212MA3C4X7P2";
        char c = uscc_check_char(first17);
        snprintf(buf, n, "%s%c", first17, c);
        return buf;
    }
    case F_NAME:
        return "青岛示例智能科技有限公司";
    case F_REGION:
    case F_TAX_REGION:
        return "崂山区";
    case F_INDUSTRY:
        return "6513";
    case F_OWNERSHIP:
        return "民营企业";
    case F_EMPLOYEES:
        return "86";
    case F_REVENUE:
        return "3200万元";
    case F_ASSETS:
        return "5000万元";
    case F_LIABILITIES:
        return "1800万元";
    case F_RD_EXPENSE:
        return "260万元";
    case F_RD_STAFF:
        return "21";
    case F_TAX_PAID:
        return "150万元";
    case F_EQUIPMENT_INVESTMENT:
        return "600万元";
    case F_INVENTION_PATENTS:
        return "4";
    case F_QUALIFICATIONS:
        return "高新技术企业、科技型中小企业";
    case F_TAX_CREDIT:
        return "A";
    case F_LISTING_STAGE:
        return "储备";
    case F_DISHONEST:
        return "否";
    default:
        return NULL;
    }
}

static int fail(lxw_error e, struct error *err) {
    return error_set(err, ERR_IO, "写入模板失败:%s", "cannot write the template: %s",
                     lxw_strerror(e));
}

int import_write_template(const char *path, struct error *err) {
    lxw_workbook *wb = workbook_new(path);
    if (!wb) return error_set(err, ERR_IO, "无法创建文件 %s", "cannot create the file %s", path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "企业信息");
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDEBF7);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_format *text = workbook_add_format(wb);
    format_set_num_format(text, "@");
    lxw_error e = LXW_NO_ERROR;
    lxw_col_t col = 0;
    for (int f = 0; f < F_COUNT && !e; f++) {
        const struct field_def *d = schema_field((enum field_id)f);
        if (d->is_derived) continue;
        char note[400], buf[32];
        snprintf(note, sizeof note, "%s (%s, %s%s%s)%s%s", d->label, d->key,
                 schema_type_name(d->type), d->unit[0] ? ", 单位 " : "", d->unit,
                 d->doc ? "\n" : "", d->doc ? d->doc : "");
        e = worksheet_write_string(ws, 0, col, d->label, head);
        if (!e) e = worksheet_write_comment(ws, 0, col, note);
        if (!e)
            e = worksheet_set_column(ws, col, col, f == F_NAME || f == F_QUALIFICATIONS ? 28 : 16,
                                     f == F_USCC ? text : NULL);
        if (!e && f == F_ESTABLISHED) {
            lxw_datetime dt = {2016, 5, 18, 0, 0, 0};
            e = worksheet_write_datetime(ws, 1, col, &dt, date);
        } else if (!e) {
            const char *v = example((enum field_id)f, buf, sizeof buf);
            if (v) e = worksheet_write_string(ws, 1, col, v, NULL);
        }
        col++;
    }
    worksheet_freeze_panes(ws, 1, 0);
    lxw_error ce = workbook_close(wb);
    if (e) return fail(e, err);
    if (ce) return fail(ce, err);
    return 0;
}
