/* The in-house test runner: TEST(name) registers a function; CHECK* record failures with file:line.
 * Data-driven tests call test_case() once per case so each case is counted on its own. */
#ifndef DUIJIE_TEST_H
#define DUIJIE_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn, const char *file);
bool test_check(bool ok, const char *file, int line, const char *expr);
void test_failf(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Starts a named sub-case of the running test: it is counted (and reported) separately. */
void test_case(const char *name);
void test_skip(const char *why);
/* Path of the tests/data folder (the runner finds it from the working directory). */
const char *test_data_dir(void);
/* Reads a whole file into a malloc'd NUL-terminated buffer; NULL if it cannot. */
char *test_read_file(const char *path, size_t *len);

#define TEST(name)                                                                                 \
    static void name(void);                                                                        \
    __attribute__((constructor)) static void test_reg_##name(void) {                               \
        test_register(#name, name, __FILE__);                                                      \
    }                                                                                              \
    static void name(void)

#define CHECK(cond) test_check((cond), __FILE__, __LINE__, #cond)
#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_)                                                                              \
            test_failf(__FILE__, __LINE__, "%s == %s: got %lld, expected %lld", #a, #b, a_, b_);   \
    } while (0)
#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                                                     \
            test_failf(__FILE__, __LINE__, "%s == %s: got \"%s\", expected \"%s\"", #a, #b,        \
                       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                    \
    } while (0)

#endif
