/* Owns the proposed rule: an extracted clause's conditions and benefit written in the rule
 * language's floor syntax (docs of the rules issue: 注册地 属于 "…" 且 资质 包含 "…" 且 字段 >= 值,
 * then 奖励 = …), with a note for every part the dictionary cannot express (unknown places,
 * qualifications not in the field dictionary, 其他 conditions, bases that are not fields). The
 * rule never guesses: what it cannot say exactly it leaves to the officer. */
#include <stdio.h>
#include <string.h>

#include "extract/extract_int.h"
#include "refdata/refdata.h"
#include "schema/schema.h"

struct notes {
    const char *v[32];
    int n;
};

static void note(struct arena *ar, struct notes *ns, const char *zh, const char *what) {
    if (ns->n >= 32) return;
    size_t n = strlen(zh) + strlen(what) + 8;
    char *s = arena_alloc(ar, n);
    if (!s) return;
    snprintf(s, n, "%s: %s", zh, what);
    for (char *p = s; *p; p++) /* one line each: notes become comment lines of the rule */
        if (*p == '\n' || *p == '\r') *p = ' ';
    ns->v[ns->n++] = s;
}

static void money_text(struct buf *o, int64_t fen) {
    if (fen % 10000000000 == 0)
        buf_printf(o, "%lld亿元", (long long)(fen / 10000000000));
    else if (fen % 1000000 == 0)
        buf_printf(o, "%lld万元", (long long)(fen / 1000000));
    else if (fen % 100 == 0)
        buf_printf(o, "%lld元", (long long)(fen / 100));
    else
        buf_printf(o, "%lld.%02lld元", (long long)(fen / 100), (long long)(fen % 100));
}

static bool ratio_money_fen(struct ratio yuan, int64_t *fen) {
    struct ratio f;
    return ratio_mul(yuan, (struct ratio){100, 1}, &f) && ratio_round(f, fen);
}

static void value_text(struct buf *o, const struct extract_condition *c) {
    char b[64];
    int64_t fen;
    switch (c->unit) {
    case UNIT_YUAN:
        if (ratio_money_fen(c->num, &fen)) money_text(o, fen);
        return;
    case UNIT_PERCENT:
        buf_puts(o, ratio_format_percent(c->num, b, sizeof b));
        return;
    case UNIT_YEAR:
        buf_printf(o, "%s年", ratio_format(c->num, 4, b, sizeof b));
        return;
    case UNIT_DAY:
        buf_printf(o, "%s日", ratio_format(c->num, 4, b, sizeof b));
        return;
    case UNIT_PERSON:
        buf_printf(o, "%s人", ratio_format(c->num, 4, b, sizeof b));
        return;
    default:
        buf_puts(o, ratio_format(c->num, 6, b, sizeof b));
    }
}

/* The dictionary's name for a qualification ("高新技术企业(首次认定)" → 高新技术企业), or NULL. */
static const char *known_qual(const char *v) {
    const struct field_def *f = schema_field(F_QUALIFICATIONS);
    size_t n = strlen(v);
    const char *paren = strstr(v, "(");
    if (paren && v[n - 1] == ')') n = (size_t)(paren - v);
    int idx = schema_value_index(f, v, n);
    if (idx < 0) return NULL;
    return f->values[idx];
}

static void quoted(struct buf *o, const char *s) {
    buf_putc(o, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') buf_putc(o, '\\');
        buf_putc(o, *s);
    }
    buf_putc(o, '"');
}

/* One condition as rule text into o; false (with a note) when the language cannot say it. */
static bool cond_rule(struct arena *ar, struct notes *ns, const struct extract_condition *c,
                      struct buf *o) {
    struct error err;
    if (strcmp(c->field, "注册地") == 0 || strcmp(c->field, "纳税地") == 0) {
        if (c->type == EV_STR && region_find(c->str, strlen(c->str), &err) >= 0) {
            buf_printf(o, "%s 属于 ", c->field);
            quoted(o, c->str);
            return true;
        }
        note(ar, ns, "地点不在区划表中，请确认 / place not in the region table",
             c->type == EV_STR ? c->str : c->text);
        return false;
    }
    if (strcmp(c->field, "资质") == 0) {
        if (c->type == EV_STR) {
            const char *q = known_qual(c->str);
            if (q) {
                buf_puts(o, "资质 包含 ");
                quoted(o, q);
                return true;
            }
            note(ar, ns, "资质不在字段词典中 / qualification not in the dictionary", c->str);
            return false;
        }
        if (c->type == EV_LIST) {
            struct buf t;
            buf_init(&t);
            bool ok = true;
            buf_putc(&t, '(');
            for (int k = 0; k < c->n_list && ok; k++) {
                const char *q = known_qual(c->list[k]);
                if (!q) {
                    note(ar, ns, "资质不在字段词典中 / qualification not in the dictionary",
                         c->list[k]);
                    ok = false;
                    break;
                }
                if (k) buf_puts(&t, " 或 ");
                buf_puts(&t, "资质 包含 ");
                quoted(&t, q);
            }
            buf_putc(&t, ')');
            if (ok) buf_puts(o, buf_str(&t));
            buf_release(&t);
            return ok;
        }
    }
    if (strcmp(c->field, "行业") == 0 && c->type == EV_LIST) {
        bool fb;
        for (int k = 0; k < c->n_list; k++)
            if (industry_find(c->list[k], strlen(c->list[k]), &fb, &err) < 0) {
                note(ar, ns, "行业不在国民经济行业分类中 / industry not in GB/T 4754", c->list[k]);
                return false;
            }
        buf_puts(o, "行业 属于 [");
        for (int k = 0; k < c->n_list; k++) {
            if (k) buf_puts(o, ", ");
            quoted(o, c->list[k]);
        }
        buf_putc(o, ']');
        return true;
    }
    const struct field_def *ef = schema_find(c->field, strlen(c->field));
    if (ef && ef->type == FT_ENUM && (c->type == EV_STR || c->type == EV_LIST)) {
        buf_printf(o, "%s 属于 [", ef->label);
        int n = c->type == EV_STR ? 1 : c->n_list;
        for (int k = 0; k < n; k++) {
            const char *v = c->type == EV_STR ? c->str : c->list[k];
            if (schema_value_index(ef, v, strlen(v)) < 0) {
                note(ar, ns, "取值不在字段词典中 / value not in the dictionary", v);
                return false;
            }
            if (k) buf_puts(o, ", ");
            quoted(o, v);
        }
        buf_putc(o, ']');
        return true;
    }
    if (strcmp(c->field, "行业") == 0 && c->type == EV_STR) {
        bool fb;
        if (industry_find(c->str, strlen(c->str), &fb, &err) >= 0) {
            buf_puts(o, "行业 属于 ");
            quoted(o, c->str);
            return true;
        }
        note(ar, ns, "行业不在国民经济行业分类中 / industry not in GB/T 4754", c->str);
        return false;
    }
    if (strcmp(c->field, "失信") == 0) {
        buf_puts(o, "非 失信");
        return true;
    }
    const struct field_def *f = schema_find(c->field, strlen(c->field));
    if (f && c->type == EV_NUM &&
        (f->type == FT_MONEY || f->type == FT_RATIO || f->type == FT_INT)) {
        buf_printf(o, "%s %s ", f->label, c->op);
        value_text(o, c);
        return true;
    }
    if (f && f->type == FT_DATE && c->type == EV_DATE) {
        buf_printf(o, "%s %s %s", f->label, c->op, c->str);
        return true;
    }
    if (strcmp(c->field, "其他") == 0)
        note(ar, ns, "其他条件，请人工判断 / other condition, for the officer", c->text);
    else
        note(ar, ns, "字段不在词典中 / field not in the dictionary", c->field);
    return false;
}

/* A field named inside a rate's basis ("企业年度设备投资" → 设备投资额). */
static const struct field_def *basis_field(const char *basis) {
    if (!basis) return NULL;
    static const char *const prefixes[] = {"其", "企业", "年度", "当年", "上年度", "实际"};
    size_t n = strlen(basis);
    for (size_t t = 0; t < sizeof prefixes / sizeof *prefixes; t++) {
        size_t l = strlen(prefixes[t]);
        if (n > l && strncmp(basis, prefixes[t], l) == 0) {
            basis += l;
            n -= l;
        }
    }
    const struct field_def *f = schema_find(basis, n);
    return f && f->type == FT_MONEY ? f : NULL;
}

/* The fixed amounts of the clause, in order; false unless every amount is a fixed one. */
static bool fixed_amounts(const struct extract_clause *c, int n, int64_t *out) {
    int k2 = 0;
    for (int k = 0; k < c->n_benefits && k2 < n; k++) {
        const struct extract_benefit *b = &c->benefits[k];
        if (!(b->has_min || b->has_max || b->has_cap || b->has_rate)) continue;
        if (!(b->has_min && b->has_max && b->min_fen == b->max_fen) || b->has_rate) return false;
        out[k2++] = b->min_fen;
    }
    return k2 == n;
}

/* "首次超过100亿元、50亿元、10亿元…分别给予500万元、200万元、50万元": 分档 on the field, the
 * highest bracket first. */
static bool tier_award(const struct extract_clause *c, int n, struct buf *o) {
    int64_t amt[64];
    if (n > 64 || !fixed_amounts(c, n, amt)) return false;
    for (int k = 0; k < c->n_conditions; k++) {
        const struct extract_condition *x = &c->conditions[k];
        const struct field_def *f = schema_find(x->field, strlen(x->field));
        if (x->n_tiers != n || !f || x->unit != UNIT_YUAN || f->type != FT_MONEY) continue;
        int order[64];
        for (int i = 0; i < n; i++)
            order[i] = i;
        for (int i = 1; i < n; i++) /* insertion sort, highest threshold first */
            for (int j = i; j > 0 && ratio_cmp(x->tiers[order[j]], x->tiers[order[j - 1]]) > 0;
                 j--) {
                int t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
        buf_printf(o, "\n奖励 = 分档(%s", f->label);
        for (int i = 0; i < n; i++) {
            int64_t fen;
            if (!ratio_money_fen(x->tiers[order[i]], &fen)) return false;
            buf_printf(o, "; %s ", x->op);
            money_text(o, fen);
            buf_puts(o, ": ");
            money_text(o, amt[order[i]]);
        }
        buf_putc(o, ')');
        return true;
    }
    return false;
}

/* "对新认定的A、B分别给予X、Y": 分别 by qualification, when the dictionary knows each. */
static bool choice_award(const struct extract_clause *c, int n, struct buf *o) {
    int64_t amt[64];
    if (n > 64 || !fixed_amounts(c, n, amt)) return false;
    for (int k = 0; k < c->n_conditions; k++) {
        const struct extract_condition *x = &c->conditions[k];
        if (strcmp(x->field, "资质") != 0 || x->type != EV_LIST || x->n_list != n) continue;
        for (int i = 0; i < n; i++)
            if (!known_qual(x->list[i])) return false;
        buf_puts(o, "\n奖励 = 分别(资质");
        for (int i = 0; i < n; i++) {
            buf_puts(o, "; ");
            quoted(o, known_qual(x->list[i]));
            buf_puts(o, ": ");
            money_text(o, amt[i]);
        }
        buf_putc(o, ')');
        return true;
    }
    return false;
}

static void award_rule(struct arena *ar, struct notes *ns, const struct extract_clause *c,
                       struct buf *o) {
    int n = 0;
    const struct extract_benefit *b = NULL;
    for (int k = 0; k < c->n_benefits; k++)
        if (c->benefits[k].has_min || c->benefits[k].has_max || c->benefits[k].has_cap ||
            c->benefits[k].has_rate) {
            n++;
            if (!b) b = &c->benefits[k];
        }
    if (!b) return;
    if (n > 1) {
        if (tier_award(c, n, o) || choice_award(c, n, o)) return;
        note(ar, ns, "多档或分别给予的金额，请按档拆分 / several amounts: split by tier", c->text);
        return;
    }
    char pb[64];
    if (b->has_rate) {
        const struct field_def *f = basis_field(b->basis);
        if (!f) {
            note(ar, ns, "比例的基数不是词典字段 / the rate's basis is not a field",
                 b->basis ? b->basis : "（未写明）");
            return;
        }
        buf_printf(o, "\n奖励 = %s × %s", f->label, ratio_format_percent(b->rate, pb, sizeof pb));
        if (b->has_cap) {
            buf_puts(o, "，最高 ");
            money_text(o, b->cap_fen);
        }
        return;
    }
    if (b->has_min && b->has_max && b->min_fen == b->max_fen) {
        buf_puts(o, "\n奖励 = ");
        money_text(o, b->min_fen);
        return;
    }
    if (b->has_max) {
        buf_puts(o, "\n奖励 = ");
        money_text(o, b->max_fen);
        note(ar, ns, "金额为区间，按上限提议 / a range: the upper end is proposed", c->text);
        return;
    }
    if (b->has_cap) {
        buf_puts(o, "\n奖励 = ");
        money_text(o, b->cap_fen);
        note(ar, ns, "只给出上限，实际金额请确认 / only a cap is given", c->text);
        return;
    }
    note(ar, ns, "只给出下限 / only a minimum is given", c->text);
}

void propose_rule(struct arena *ar, struct extract_clause *c) {
    struct notes ns = {.n = 0};
    struct buf o, cond;
    buf_init(&o);
    buf_init(&cond);
    int n_ok = 0;
    for (int k = 0; k < c->n_conditions; k++) {
        struct buf one;
        buf_init(&one);
        if (cond_rule(ar, &ns, &c->conditions[k], &one)) {
            if (n_ok++) buf_puts(&cond, " 且 ");
            buf_puts(&cond, buf_str(&one));
        }
        buf_release(&one);
    }
    struct buf award;
    buf_init(&award);
    award_rule(ar, &ns, c, &award);
    for (int k = 0; k < ns.n; k++)
        buf_printf(&o, "# 需人工确认 / for the officer: %s\n", ns.v[k]);
    if (n_ok) {
        buf_puts(&o, buf_str(&cond));
        buf_puts(&o, buf_str(&award));
    } else if (award.len) {
        buf_puts(&o, "# 没有可自动表达的条件 / no condition could be expressed\n");
        buf_puts(&o, buf_str(&award) + 1);
    }
    c->rule = arena_strdup(ar, buf_str(&o));
    if (!n_ok) {
        note(ar, &ns, "没有可自动表达的条件 / no condition could be expressed", c->text);
    }
    c->rule_notes = arena_alloc(ar, (size_t)(ns.n ? ns.n : 1) * sizeof *c->rule_notes);
    if (c->rule_notes) {
        memcpy(c->rule_notes, ns.v, (size_t)ns.n * sizeof *ns.v);
        c->n_rule_notes = ns.n;
    }
    if (!c->rule) c->rule = "";
    buf_release(&o);
    buf_release(&cond);
    buf_release(&award);
}
