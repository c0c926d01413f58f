/* Owns serving the web UI's files from the web root: content types by extension, ETag and
 * If-None-Match (304), Cache-Control, and refusing anything that would leave the root (hidden
 * names, symlinks out of it, non-regular files). Path segments arrive already decoded and free of
 * "." and ".." (request.c). */
#include <fcntl.h>
#include <strings.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/internal.h"
#include "util/buf.h"

#define STATIC_MAX_FILE ((off_t)32 << 20)

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".csv", "text/csv; charset=utf-8"},
    {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
};

static const char *content_type(const char *name) {
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof *types; i++)
            if (strcasecmp(dot, types[i].ext) == 0) return types[i].type;
    return "application/octet-stream";
}

static void not_found(struct http_response *res) {
    http_reply_error(res, 404, "not_found", "没有这个文件", "no such file");
}

/* Reads the open regular file fd of st.st_size bytes into the response. */
static int read_all(int fd, off_t size, struct http_response *res) {
    char *data = malloc((size_t)size + 1);
    if (!data) return -1;
    size_t got = 0;
    while (got < (size_t)size) {
        ssize_t n = read(fd, data + got, (size_t)size - got);
        if (n <= 0) {
            free(data);
            return -1;
        }
        got += (size_t)n;
    }
    data[got] = 0;
    free(res->body);
    res->body = data;
    res->body_len = got;
    return 0;
}

void static_serve(struct http_request *req, struct http_response *res) {
    struct http_server *s = req->server;
    if (!s->web_root) {
        not_found(res);
        return;
    }
    struct buf path;
    buf_init(&path);
    buf_puts(&path, s->web_root);
    if (req->n_segs == 0) buf_puts(&path, "/index.html");
    for (int k = 0; k < req->n_segs; k++) {
        const char *seg = req->segs[k];
        /* hidden files and anything a decoded segment could smuggle in */
        if (seg[0] == '.' || strchr(seg, '/') || strchr(seg, '\\')) {
            buf_release(&path);
            not_found(res);
            return;
        }
        buf_putc(&path, '/');
        buf_puts(&path, seg);
    }
    char real[PATH_MAX];
    int fd = -1;
    struct stat st;
    size_t root_len = strlen(s->web_root);
    if (path.is_oom || !realpath(buf_str(&path), real) ||
        strncmp(real, s->web_root, root_len) != 0 || real[root_len] != '/' ||
        (fd = open(real, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0 ||
        !S_ISREG(st.st_mode) || st.st_size > STATIC_MAX_FILE) {
        if (fd >= 0) close(fd);
        buf_release(&path);
        not_found(res);
        return;
    }
    buf_release(&path);
    char etag[80];
    snprintf(etag, sizeof etag, "\"%llx-%llx-%llx\"", (unsigned long long)st.st_mtim.tv_sec,
             (unsigned long long)st.st_mtim.tv_nsec, (unsigned long long)st.st_size);
    /* No hashed file names (no build step), so browsers revalidate every time: cheap with ETag. */
    http_add_header(res, "Cache-Control", "no-cache");
    http_add_header(res, "ETag", etag);
    const char *inm = http_header(req, "If-None-Match");
    if (inm && strstr(inm, etag)) {
        close(fd);
        http_reply_text(res, 304, content_type(real), "", 0);
        return;
    }
    if (read_all(fd, st.st_size, res) != 0) {
        close(fd);
        http_reply_error(res, 500, "io", "读取文件失败", "could not read the file");
        return;
    }
    close(fd);
    res->status = 200;
    res->content_type = content_type(real);
}
