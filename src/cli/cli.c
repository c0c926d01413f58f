/* Owns helpers shared by every subcommand: options, line reading, JSON output, error printing. */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

void cli_print_error(const char *prefix, const struct error *e) {
    char buf[900];
    fprintf(stderr, "%s%s%s\n", prefix ? prefix : "", prefix ? ": " : "",
            error_format(e, buf, sizeof buf));
}

long cli_read_line(FILE *f, char **line, size_t *cap) {
    ssize_t n = getline(line, cap, f);
    if (n < 0) return -1;
    while (n > 0 && ((*line)[n - 1] == '\n' || (*line)[n - 1] == '\r'))
        (*line)[--n] = 0;
    return (long)n;
}

void cli_print_json(json_t *v) {
    char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
}

const char *cli_option(int argc, char **argv, const char *name) {
    size_t nl = strlen(name);
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], name) == 0 && i + 1 < argc) return argv[i + 1];
        if (strncmp(argv[i], name, nl) == 0 && argv[i][nl] == '=') return argv[i] + nl + 1;
    }
    return NULL;
}

int cli_flag(int argc, char **argv, const char *name) {
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return 1;
    return 0;
}
