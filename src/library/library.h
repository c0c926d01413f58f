/* The policy document library (政策文件库): each policy as a document — title, 文号, issuing
 * authority, issue and effective dates, validity (有效/失效/废止, with what replaced it), level
 * (国家/省/市/区), region, theme, the original file kept with its SHA-256, its clauses (the clause
 * store, through the policy it is linked to), its 政策解读 and related documents — and its
 * versions: an amended document is a new version of the same series and the old ones stay as
 * history. Browsing by authority, region, level, year, theme and validity with facet counts; the
 * current versions are fed to the search index. Tables are this module's (store_sql). */
#ifndef DUIJIE_LIBRARY_H
#define DUIJIE_LIBRARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct store;
struct search_doc_list;

struct library_doc {
    int64_t id;         /* 0 on put; the row id after */
    const char *series; /* stable key of the document across versions (the 文号 if none given) */
    int version;        /* set by put: 1, 2, … */
    const char *title;
    const char *doc_no;        /* 文号: 青政发〔2025〕3号 */
    const char *authority;     /* 发文机关 */
    const char *level;         /* 国家/省/市/区 */
    int region;                /* refdata region index, -1 none */
    const char *theme;         /* 科技创新, 人才, 金融 … */
    const char *kind;          /* "policy", "interpretation" (政策解读), "related" */
    int32_t issued, effective; /* days; INT32_MIN when unknown */
    const char *validity;      /* 有效, 失效, 废止 */
    int64_t replaced_by;       /* the document that replaced it, 0 none */
    int64_t policy_id;         /* the clause store's policy, 0 none */
    const char *file_name, *file_mime;
    char file_hash[65]; /* set by put: SHA-256 of the file, "" without one */
    int64_t file_len;
    const char *body; /* the text (for search), may be NULL */
    const char *note; /* what changed in this version */
    bool is_current;
};

/* Stores a document; with a series already there it becomes the new current version (the others
 * are kept as history) unless nothing changed (same metadata and file), which is a no-op that
 * returns the current id. Strings validated (UTF-8, lengths, validity and kind values). */
int library_put(struct store *s, struct library_doc *d, const void *file, size_t file_len,
                int64_t now, struct error *err);
/* The original file: *data malloc'd (the caller frees), mime and name copied into the buffers. */
int library_file(struct store *s, int64_t id, void **data, size_t *len, char *mime, size_t n_mime,
                 char *name, size_t n_name, struct error *err);
/* 有效/失效/废止 (and what replaced it) of a document's current version. */
int library_set_validity(struct store *s, int64_t id, const char *validity, int64_t replaced_by,
                         struct error *err);
/* Links a 政策解读 ("interpretation") or a related document to a document. */
int library_link(struct store *s, int64_t doc_id, int64_t other_id, const char *kind,
                 struct error *err);

/* One document as JSON text (malloc'd): its fields, its clauses from the clause store, its links
 * both ways, and its version history. ERR_NOTFOUND when absent. */
int library_doc_json(struct store *s, int64_t id, char **out, struct error *err);

struct library_query {
    const char *authority, *level, *theme, *validity, *kind, *q; /* NULL = any; q: title/文号 */
    int region; /* -1 = any; else that region and within it */
    int year;   /* of issue; 0 = any */
    int page, page_size;
};

/* Current versions matching q, a page of them, and facet counts (authority, level, year, theme,
 * validity) over all matches, as JSON text (malloc'd). */
int library_browse_json(struct store *s, const struct library_query *q, char **out,
                        struct error *err);

/* Adds the current versions (with their text) to a search document list, id "doc-<id>". */
int library_search_docs(struct store *s, struct search_doc_list *l, struct error *err);

#endif
