/* The `duijie` subcommands. Each takes argc/argv after the command name and returns the process
 * exit status. Shared helpers for reading JSON lines and printing errors live here too. */
#ifndef DUIJIE_CLI_H
#define DUIJIE_CLI_H

#include <stdio.h>

#include <jansson.h>

#include "util/error.h"

int cli_uscc(int argc, char **argv);
int cli_derive(int argc, char **argv);
int cli_fields(int argc, char **argv);
int cli_extract(int argc, char **argv);
int cli_search(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_fmt(int argc, char **argv);
int cli_loan(int argc, char **argv);
int cli_schedule(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_match(int argc, char **argv);
int cli_investors(int argc, char **argv);
int cli_needs(int argc, char **argv);
int cli_listing(int argc, char **argv);
int cli_agenda(int argc, char **argv);
int cli_financing(int argc, char **argv);
int cli_roadshow(int argc, char **argv);
int cli_intents(int argc, char **argv);
int cli_challenge(int argc, char **argv);
int cli_projects(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_applications(int argc, char **argv);
int cli_exempt_batch(int argc, char **argv);
int cli_money(int argc, char **argv);
int cli_network(int argc, char **argv);
int cli_notify(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_ticket(int argc, char **argv);
int cli_ticket(int argc, char **argv);
int cli_library(int argc, char **argv);

/* Prints "duijie: <zh> / <en>" (with line:col when known) to stderr. */
void cli_print_error(const char *prefix, const struct error *e);
/* Reads one line of any length from f into a malloc'd buffer (*line, *cap reused); -1 at EOF. */
long cli_read_line(FILE *f, char **line, size_t *cap);
/* Prints a JSON value compactly on one line to stdout, keys in insertion order, UTF-8 unescaped. */
void cli_print_json(json_t *v);
/* Looks for "--name value" or "--name=value" in argv; returns the value or NULL. */
const char *cli_option(int argc, char **argv, const char *name);
/* True when "--name" is present. */
int cli_flag(int argc, char **argv, const char *name);

#endif
