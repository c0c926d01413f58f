/* Private to src/import: a writer thread between the importer and its sink, so that parsing and
 * checking the next rows (one core) overlaps writing the previous ones to the store (the other). */
#ifndef DUIJIE_IMPORT_PIPE_H
#define DUIJIE_IMPORT_PIPE_H

#include <stdint.h>

#include "enterprise/enterprise.h"
#include "import/import.h"
#include "util/error.h"

struct import_pipe;

/* Starts the writer: it calls sink->put for every profile pushed, in order, on its own thread. The
 * sink's transaction must be open; nothing else may use the sink until import_pipe_finish. */
int import_pipe_start(struct import_pipe **out, const struct import_sink *sink, struct error *err);
/* Queues a copy of p (its text copied too). Returns 0, or once a write has failed that write's
 * error code, with err filled (nothing more is written then). */
int import_pipe_push(struct import_pipe *p, const struct profile *prof, struct error *err);
/* Waits until everything queued is written and frees the pipe; returns the first write error
 * (err filled) or 0, and the number of profiles written in *stored. */
int import_pipe_finish(struct import_pipe *p, int64_t *stored, struct error *err);

#endif
