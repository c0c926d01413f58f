/* The test runner's main: runs every registered test (or those whose name starts with
 * $TEST_FILTER), prints each failure with file:line, and ends with "N passed, N failed[, N
 * skipped]". */
#include "test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

struct test_entry {
    const char *name;
    test_fn fn;
    const char *file;
};

static struct test_entry *tests;
static size_t n_tests, cap_tests;

static const char *cur_test;
static char cur_case[256];
static bool in_case, case_failed, test_failed, case_skipped;
static int n_passed, n_failed, n_skipped;

void test_register(const char *name, test_fn fn, const char *file) {
    if (n_tests == cap_tests) {
        cap_tests = cap_tests ? cap_tests * 2 : 64;
        tests = realloc(tests, cap_tests * sizeof *tests);
        if (!tests) abort();
    }
    tests[n_tests++] = (struct test_entry){name, fn, file};
}

static void end_case(void) {
    if (!in_case) return;
    if (case_skipped)
        n_skipped++;
    else if (case_failed)
        n_failed++;
    else
        n_passed++;
    in_case = false;
}

void test_case(const char *name) {
    end_case();
    snprintf(cur_case, sizeof cur_case, "%s", name);
    in_case = true;
    case_failed = false;
    case_skipped = false;
}

void test_skip(const char *why) {
    if (!in_case) test_case("");
    case_skipped = true;
    printf("SKIP %s%s%s: %s\n", cur_test, cur_case[0] ? "/" : "", cur_case, why);
}

static void fail_prefix(const char *file, int line) {
    printf("FAIL %s%s%s at %s:%d: ", cur_test, in_case && cur_case[0] ? "/" : "",
           in_case ? cur_case : "", file, line);
    if (in_case)
        case_failed = true;
    else
        test_failed = true;
}

bool test_check(bool ok, const char *file, int line, const char *expr) {
    if (ok) return true;
    fail_prefix(file, line);
    printf("CHECK(%s)\n", expr);
    return false;
}

void test_failf(const char *file, int line, const char *fmt, ...) {
    fail_prefix(file, line);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

const char *test_data_dir(void) {
    static const char *dirs[] = {"tests/data", "../tests/data", "../../tests/data"};
    struct stat st;
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode)) return dirs[i];
    return "tests/data";
}

char *test_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n <= 1) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    if (!buf) return NULL;
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

int main(void) {
    const char *filter = getenv("TEST_FILTER");
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; i < n_tests; i++) {
        if (filter && strncmp(tests[i].name, filter, strlen(filter)) != 0) continue;
        cur_test = tests[i].name;
        test_failed = false;
        in_case = false;
        cur_case[0] = 0;
        int before = n_passed + n_failed + n_skipped;
        tests[i].fn();
        end_case();
        /* A test with no sub-cases counts once; failures outside any case count against it too. */
        if (n_passed + n_failed + n_skipped == before || test_failed) {
            if (test_failed)
                n_failed++;
            else if (n_passed + n_failed + n_skipped == before)
                n_passed++;
        }
    }
    free(tests);
    if (n_skipped)
        printf("%d passed, %d failed, %d skipped\n", n_passed, n_failed, n_skipped);
    else
        printf("%d passed, %d failed\n", n_passed, n_failed);
    return n_failed ? 1 : 0;
}
