/* Extraction speed: MB of policy text per second through extract_policy (normalise, split,
 * clauses, benefits, conditions, rules), over the dev policies (tests/data/clauses-dev/src)
 * repeated to BENCH_EXTRACT_MB (default 4), next to the naive way of finding the same phrases: one
 * POSIX regex per lexicon entry (and one per amount pattern), each run over every document. The
 * naive way only finds phrases; it assembles nothing, so the ratio flatters it. Figures go to
 * bench/tmp/extract.json. */
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract/extract.h"
#include "clock.h"

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    fclose(f);
    if (s) s[n] = 0;
    *len = (size_t)n;
    return s;
}

/* A dev source without its annotation lines ("# …"), as the scorer feeds it. */
static char *policy_text(const char *path, size_t *len) {
    size_t n;
    char *raw = read_file(path, &n);
    if (!raw) return NULL;
    char *out = malloc(n + 1);
    size_t o = 0;
    for (char *p = raw; out && *p;) {
        char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (!(p[0] == '#' && p[1] == ' ')) {
            memcpy(out + o, p, l);
            o += l;
        }
        p += l;
    }
    if (out) out[o] = 0;
    free(raw);
    *len = o;
    return out;
}

struct doc {
    char *s;
    size_t len;
};

int main(void) {
    const char *dir = "tests/data/clauses-dev/src";
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "bench extract: no %s (run from the repository root)\n", dir);
        return 1;
    }
    struct doc docs[64];
    int n_docs = 0;
    size_t one_pass = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n_docs < 64) {
        if (!strstr(de->d_name, ".txt")) continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        docs[n_docs].s = policy_text(path, &docs[n_docs].len);
        if (docs[n_docs].s) one_pass += docs[n_docs++].len;
    }
    closedir(d);
    const char *env = getenv("BENCH_EXTRACT_MB");
    double want_mb = env ? atof(env) : 4.0;
    int reps = (int)(want_mb * 1e6 / (double)(one_pass ? one_pass : 1)) + 1;
    double mb = (double)one_pass * reps / 1e6;

    long clauses = 0;
    double t0 = now_ms();
    for (int r = 0; r < reps; r++)
        for (int k = 0; k < n_docs; k++) {
            struct extract_result res;
            struct error err;
            if (extract_policy(docs[k].s, docs[k].len, &res, &err) == 0) clauses += res.n_clauses;
            extract_result_release(&res);
        }
    double duijie_ms = now_ms() - t0;

    /* the naive way: a POSIX regex per lexicon phrase, plus amount patterns */
    size_t llen;
    char *lex = read_file("data/extract-lexicon.tsv", &llen);
    regex_t *re = NULL;
    int n_re = 0, cap = 0;
    static const char *const amounts[] = {"[0-9]+(\\.[0-9]+)?(万|亿)?元", "[0-9]+(\\.[0-9]+)?%",
                                          "[0-9]+年", "最高[0-9]+(万|亿)?元",
                                          "[0-9]+(万|亿)?元(以上|以下)"};
    for (size_t k = 0; k < sizeof amounts / sizeof *amounts; k++) {
        if (n_re == cap) re = realloc(re, (size_t)(cap = cap ? cap * 2 : 512) * sizeof *re);
        if (re && regcomp(&re[n_re], amounts[k], REG_EXTENDED) == 0) n_re++;
    }
    for (char *p = lex; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        char *t1 = strchr(p, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (*p != '#' && t1 && t2) {
            *t2 = 0;
            char pat[256];
            size_t o = 0;
            for (const char *c = t1 + 1; *c && o + 3 < sizeof pat; c++) {
                if (strchr(".[]()*+?{}|^$\\", *c)) pat[o++] = '\\';
                pat[o++] = *c;
            }
            pat[o] = 0;
            if (n_re == cap) re = realloc(re, (size_t)(cap = cap ? cap * 2 : 512) * sizeof *re);
            if (re && regcomp(&re[n_re], pat, REG_EXTENDED) == 0) n_re++;
        }
        p = nl ? nl + 1 : NULL;
    }
    long hits = 0;
    t0 = now_ms();
    for (int r = 0; r < reps; r++)
        for (int k = 0; k < n_docs; k++)
            for (int j = 0; j < n_re; j++) {
                const char *p = docs[k].s;
                regmatch_t m;
                while (*p && regexec(&re[j], p, 1, &m, 0) == 0) {
                    hits++;
                    p += m.rm_eo > m.rm_so ? m.rm_eo : m.rm_so + 1;
                }
            }
    double naive_ms = now_ms() - t0;
    for (int j = 0; j < n_re; j++)
        regfree(&re[j]);
    free(re);
    free(lex);

    double duijie_mbs = mb / (duijie_ms / 1e3), naive_mbs = mb / (naive_ms / 1e3);
    printf("extract: %.2f MB (%d passes over %d policies), %ld clauses\n", mb, reps, n_docs,
           clauses);
    printf("  duijie extract_policy      %9.1f ms  %7.2f MB/s\n", duijie_ms, duijie_mbs);
    printf("  naive regex per phrase     %9.1f ms  %7.2f MB/s  (%d regexes, %ld hits)\n", naive_ms,
           naive_mbs, n_re, hits);
    printf("  ratio naive/duijie         %9.2fx\n", naive_ms / duijie_ms);
    FILE *f = fopen("bench/tmp/extract.json", "w");
    if (f) {
        fprintf(f,
                "{\"figures\":[{\"name\":\"extract %.1f MB of policy text\",\"duijie_ms\":%.1f,"
                "\"naive_ms\":%.1f,\"ratio\":%.2f,\"duijie_mb_per_s\":%.2f,"
                "\"naive_mb_per_s\":%.2f,\"naive\":\"one POSIX regex per lexicon entry\"}]}\n",
                mb, duijie_ms, naive_ms, naive_ms / duijie_ms, duijie_mbs, naive_mbs);
        fclose(f);
    }
    for (int k = 0; k < n_docs; k++)
        free(docs[k].s);
    return 0;
}
