/* Owns reading the text layer of an uploaded PDF: Poppler's pdftotext (Debian's poppler-utils)
 * run as a child process on a temporary copy of the file, its UTF-8 output read back through a
 * pipe, and its lines broken by the page's width joined again and page numbers dropped
 * (text_unwrap, the same decisions normalize.c makes for text pasted from a PDF), so the officer
 * sees and edits whole sentences.
 *
 * Why a child process and not Poppler linked in: a PDF is the most complex format a user uploads
 * (fonts, streams, filters), and a parser's crash or runaway loop on a hostile file must not take
 * the server down with it. The child gets a CPU limit (PDF_SECONDS), an address-space limit
 * (PDF_MEMORY) and a wall-clock deadline (killed past it), no descriptors of the server's but its
 * pipes, and whatever goes wrong with it becomes an error naming the file's problem: not a PDF or
 * damaged, protected by a password, no text layer (a scan), too slow. DUIJIE_PDFTOTEXT names
 * another program (tests use it for "not installed").
 *
 * Does not decide the kind of a file (docfile.c) and does not normalise the text. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "text/policy_text.h"
#include "util/buf.h"
#include "util/utf8.h"

#define PDF_TOOL "/usr/bin/pdftotext"
#define PDF_SECONDS 20                    /* CPU seconds the child may use */
#define PDF_WALL_MS 30000                 /* killed after this long, whatever it is doing */
#define PDF_MEMORY ((rlim_t)1024 << 20)   /* its address space */
#define PDF_MAX_TEXT (TEXT_MAX_INPUT * 4) /* more text than this from one file: refused */

static const char *pdf_tool(void) {
    const char *t = getenv("DUIJIE_PDFTOTEXT");
    return t && t[0] ? t : PDF_TOOL;
}

bool text_pdf_available(void) {
    return access(pdf_tool(), X_OK) == 0;
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int write_all(int fd, const char *s, size_t len) {
    while (len) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void child(int out_fd, int err_fd, const char *tool, const char *path) {
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        _exit(126);
    close_range(3, ~0U, 0);
    struct rlimit cpu = {PDF_SECONDS, PDF_SECONDS + 1}, mem = {PDF_MEMORY, PDF_MEMORY};
    setrlimit(RLIMIT_CPU, &cpu);
    setrlimit(RLIMIT_AS, &mem);
    execl(tool, "pdftotext", "-enc", "UTF-8", "-nopgbrk", path, "-", (char *)NULL);
    _exit(127);
}

/* Reads the child's stdout into out and the head of its stderr into msg until both close, the
 * text grows past PDF_MAX_TEXT or the deadline passes; false on the last two. */
static bool drain(int out_fd, int err_fd, struct buf *out, char *msg, size_t msg_cap,
                  bool *is_late) {
    struct pollfd p[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    size_t msg_len = 0;
    int64_t deadline = now_ms() + PDF_WALL_MS;
    char chunk[16384];
    *is_late = false;
    while (p[0].fd >= 0 || p[1].fd >= 0) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            *is_late = true;
            return false;
        }
        int n = poll(p, 2, (int)left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        for (int k = 0; k < 2; k++) {
            if (p[k].fd < 0 || !p[k].revents) continue;
            ssize_t got = read(p[k].fd, chunk, sizeof chunk);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                p[k].fd = -1;
                continue;
            }
            if (k == 0) {
                buf_append(out, chunk, (size_t)got);
                if (out->is_oom || out->len > PDF_MAX_TEXT) return false;
            } else if (msg_len + 1 < msg_cap) {
                size_t take =
                    (size_t)got < msg_cap - 1 - msg_len ? (size_t)got : msg_cap - 1 - msg_len;
                memcpy(msg + msg_len, chunk, take);
                msg_len += take;
                msg[msg_len] = 0;
            }
        }
    }
    return true;
}

static bool has_text(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t' && s[i] != '\f')
            return true;
    return false;
}

int text_from_pdf(const char *s, size_t len, char **out, size_t *out_len, struct error *err) {
    *out = NULL;
    *out_len = 0;
    const char *tool = pdf_tool();
    if (access(tool, X_OK) != 0)
        return error_set(
            err, ERR_UNSUPPORTED,
            "服务器未安装 PDF 文字提取组件(poppler-utils),请复制文字粘贴或上传 Word 文档",
            "PDF text extraction (poppler-utils) is not installed on the server: "
            "paste the text or upload a Word document");
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/duijie-pdf-XXXXXX", dir && dir[0] ? dir : "/tmp");
    int fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0) return error_set(err, ERR_IO, "无法创建临时文件", "cannot create a temporary file");
    int rc = write_all(fd, s, len);
    close(fd);
    int out_p[2] = {-1, -1}, err_p[2] = {-1, -1};
    if (rc || pipe2(out_p, O_CLOEXEC) || pipe2(err_p, O_CLOEXEC)) {
        unlink(path);
        for (int k = 0; k < 2; k++) {
            if (out_p[k] >= 0) close(out_p[k]);
            if (err_p[k] >= 0) close(err_p[k]);
        }
        return error_set(err, ERR_IO, "无法读取 PDF:临时文件或管道失败",
                         "cannot read the PDF: a temporary file or pipe failed");
    }
    pid_t pid = fork();
    if (pid == 0) child(out_p[1], err_p[1], tool, path);
    close(out_p[1]);
    close(err_p[1]);
    struct buf text;
    buf_init(&text);
    char msg[512] = "";
    bool is_late = false,
         is_whole = pid > 0 && drain(out_p[0], err_p[0], &text, msg, sizeof msg, &is_late);
    close(out_p[0]);
    close(err_p[0]);
    int status = 0;
    if (pid > 0) {
        if (!is_whole) kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    unlink(path);
    if (pid < 0)
        rc =
            error_set(err, ERR_IO, "无法启动 PDF 文字提取", "cannot start the PDF text extraction");
    else if (is_late || (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU))
        rc = error_set(err, ERR_TOO_LARGE, "PDF 太复杂,%d 秒内没能读出文字,请粘贴文字",
                       "the PDF took over %d seconds to read: paste the text", PDF_WALL_MS / 1000,
                       PDF_WALL_MS / 1000);
    else if (!is_whole)
        rc = error_set(err, ERR_TOO_LARGE, "PDF 的文字超过 %u 字节",
                       "the PDF's text is over %u bytes", PDF_MAX_TEXT, PDF_MAX_TEXT);
    else if (WIFSIGNALED(status))
        rc = error_set(err, ERR_PARSE, "无法读取这个 PDF(解析中止,文件可能已损坏)",
                       "cannot read this PDF (the reader stopped: a damaged file?)");
    else if (WEXITSTATUS(status) == 127 || WEXITSTATUS(status) == 126)
        rc = error_set(err, ERR_UNSUPPORTED, "无法运行 PDF 文字提取组件 %s", "cannot run %s", tool,
                       tool);
    else if (WEXITSTATUS(status) != 0 && strstr(msg, "assword"))
        rc = error_set(err, ERR_UNSUPPORTED, "PDF 设有打开密码,请先在 PDF 软件中取消密码再上传",
                       "the PDF is protected by a password: remove it before uploading");
    else if (WEXITSTATUS(status) != 0)
        rc = error_set(err, ERR_PARSE, "无法读取这个 PDF(不是 PDF 或文件已损坏)",
                       "cannot read this PDF (not a PDF, or a damaged file)");
    else if (!utf8_is_valid(text.data ? text.data : "", text.len, NULL))
        rc = error_set(err, ERR_UTF8, "PDF 的文字不是有效的 UTF-8",
                       "the PDF's text is not valid UTF-8");
    else if (!has_text(text.data ? text.data : "", text.len))
        rc = error_set(err, ERR_UNSUPPORTED,
                       "这个 PDF 没有可复制的文字(可能是扫描件),请粘贴文字或上传 Word 文档",
                       "this PDF has no text layer (a scan?): paste the text or upload a Word "
                       "document");
    if (rc) {
        buf_release(&text);
        return rc;
    }
    /* form feeds (page ends, -nopgbrk leaves none, but a PDF may carry them) end lines */
    for (size_t i = 0; i < text.len; i++)
        if (text.data[i] == '\f') text.data[i] = '\n';
    rc = text_unwrap(text.data, text.len, out, out_len, err);
    buf_release(&text);
    return rc;
}
