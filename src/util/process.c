#define _GNU_SOURCE /* pipe2 */
#include "util/process.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

bool process_executable(const char *path, struct stat *st)
{
    return stat(path, st) == 0 && S_ISREG(st->st_mode) && access(path, X_OK) == 0;
}

char *process_on_path(const char *name, struct stat *st)
{
    const char *path = getenv("PATH");
    while (path && *path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        if (len) {
            char *dir = xstrndup(path, len);
            char *file = fs_join(dir, name);
            free(dir);
            if (process_executable(file, st))
                return file;
            free(file);
        }
        path = colon ? colon + 1 : NULL;
    }
    return NULL;
}

extern char **environ;

/* What is kept of a helper's output: enough for any message, never its whole log. */
#define MAX_CAPTURE (4u * 1024 * 1024)
/* The end of stderr that a failure's message quotes. */
#define QUOTED_STDERR 2000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* poll's wait until deadline (0: none, -1 ms) into *wait_ms; false once the deadline passed. */
static bool time_left(double deadline, int *wait_ms)
{
    *wait_ms = -1;
    if (!deadline)
        return true;
    double left = deadline - now();
    if (left <= 0)
        return false;
    *wait_ms = (int)(left * 1000) + 1;
    return true;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/*
 * write(2) to the program's stdin, which it may have closed without reading it all (a program
 * that fails at once): EPIPE then, not the SIGPIPE that would kill journal. The signal is
 * blocked on this thread for the write and, when the write raised it, taken before it is
 * unblocked, so that the rest of journal keeps its own way with SIGPIPE.
 */
static ssize_t write_input(int fd, const char *buf, size_t len)
{
    sigset_t pipe_only, old;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
    ssize_t w = write(fd, buf, len);
    int saved = errno;
    if (w < 0 && errno == EPIPE) {
        const struct timespec now = {0, 0};
        while (sigtimedwait(&pipe_only, NULL, &now) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return w;
}

/* Reads what is there from *fd into sb (up to MAX_CAPTURE); closes it at the end. */
static void drain(int *fd, struct strbuf *sb)
{
    char buf[16384];
    ssize_t n = read(*fd, buf, sizeof(buf));
    if (n > 0) {
        if (sb && sb->len + (size_t)n <= MAX_CAPTURE)
            strbuf_add(sb, buf, (size_t)n);
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        close_fd(fd);
    }
}

/* The last lines of stderr, for a message: at most QUOTED_STDERR bytes, on a line boundary. */
static const char *stderr_tail(const struct strbuf *err)
{
    if (!err->len)
        return "";
    const char *s = err->buf;
    if (err->len > QUOTED_STDERR) {
        s = err->buf + err->len - QUOTED_STDERR;
        const char *nl = strchr(s, '\n');
        if (nl && nl[1])
            s = nl + 1;
    }
    return s;
}

/*
 * fork and exec rather than posix_spawn, for one thing posix_spawn cannot ask: that the
 * program die with journal. A journal killed mid-build (SIGKILL, the OOM killer) would
 * otherwise leave Pagefind writing into the staging folder that the next build has just
 * removed (tests/cli/test_fault_injection.sh caught one). The child asks the kernel for
 * SIGKILL when its parent thread ends (PR_SET_PDEATHSIG; process_run waits in that thread
 * until the program ends, so only a death of journal fires it), and checks that the parent
 * did not die before it asked. Between fork and exec only async-signal-safe calls are made.
 * A failed exec sends its errno back through a pipe closed by a successful one.
 */
static int start(const struct process_spec *spec, pid_t *pid, int in[2], int out[2], int err[2])
{
    char *const *argv = (char *const *)spec->argv;
    char *fallback[] = {(char *)spec->program, NULL};
    if (!argv)
        argv = fallback;
    int status[2];
    if (pipe2(status, O_CLOEXEC) < 0)
        return error_errno("%s: cannot make pipes", spec->name);
    int devnull = spec->input ? -1 : open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t parent = getpid();
    *pid = fork();
    if (*pid == 0) {
        /* Its own group, so that a timeout stops whatever it started too; signals as by
           default, whatever journal ignores or blocks (SIGPIPE). */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        /* Before exec, not after: a limit set on a running program finds whatever address
           space it reserved first (Pandoc's Haskell runtime reserves up to 1 TB as it
           starts, then fails every allocation once the bound falls below it: one run in
           three of tests/cli/test_convert.sh). The program, and what it starts, inherit it. */
        if (spec->max_memory) {
            struct rlimit lim = {spec->max_memory, spec->max_memory};
            setrlimit(RLIMIT_AS, &lim);
        }
        signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (dup2(spec->input ? in[0] : devnull, 0) < 0 || dup2(out[1], 1) < 0 ||
            dup2(err[1], 2) < 0 || (spec->cwd && chdir(spec->cwd) < 0)) {
            int e = errno;
            ssize_t w = write(status[1], &e, sizeof e);
            (void)w;
            _exit(127);
        }
        if (strchr(spec->program, '/'))
            execv(spec->program, argv);
        else
            execvp(spec->program, argv);
        int e = errno;
        ssize_t w = write(status[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    int fork_errno = errno;
    if (devnull >= 0)
        close(devnull);
    close(status[1]);
    if (*pid < 0) {
        close(status[0]);
        errno = fork_errno;
        return error_errno("%s: cannot start %s", spec->name, spec->program);
    }
    int rc = 0;
    ssize_t n;
    while ((n = read(status[0], &rc, sizeof rc)) < 0 && errno == EINTR)
        ;
    close(status[0]);
    if (n <= 0)
        return 0; /* the pipe closed on exec: it runs */
    while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
        ;
    if (rc == ENOENT || rc == EACCES || rc == ENOEXEC || rc == ENOTDIR)
        return error_input("%s: cannot run %s (%s); %s", spec->name, spec->program, strerror(rc),
                           spec->install);
    errno = rc;
    return error_errno("%s: cannot start %s", spec->name, spec->program);
}

/* The error of a program that ended (status, from waitpid) or was stopped on its timeout; 0
   when it exited with 0. */
static int ended(const struct process_spec *spec, int status, bool timed_out, struct strbuf *out,
                 struct strbuf *errs)
{
    int rc = 0;
    strbuf_trim_trailing_newlines(errs);
    /* Some programs (Pagefind among them) say what went wrong on stdout. */
    if (!errs->len && out)
        errs = out;
    if (timed_out)
        rc = error_internal("%s (%s) took more than %.0f s and was stopped%s%s", spec->name,
                            spec->program, spec->timeout, errs->len ? "; it said: " : "",
                            stderr_tail(errs));
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        rc = error_internal("%s (%s) failed with exit status %d%s%s", spec->name, spec->program,
                            WEXITSTATUS(status), errs->len ? ": " : "", stderr_tail(errs));
    else if (WIFSIGNALED(status))
        rc = error_internal("%s (%s) was killed by signal %d (%s)%s%s%s", spec->name, spec->program,
                            WTERMSIG(status), strsignal(WTERMSIG(status)),
                            spec->max_memory ? "; it may have needed more than its memory bound"
                                             : "",
                            errs->len ? "; it said: " : "", stderr_tail(errs));
    return rc;
}

int process_run(const struct process_spec *spec, struct strbuf *out, struct strbuf *err)
{
    int in[2] = {-1, -1}, o[2] = {-1, -1}, e[2] = {-1, -1};
    struct strbuf errbuf = STRBUF_INIT;
    struct strbuf *errs = err ? err : &errbuf;
    if ((spec->input && pipe2(in, O_CLOEXEC) < 0) || pipe2(o, O_CLOEXEC) < 0 ||
        pipe2(e, O_CLOEXEC) < 0) {
        int rc = error_errno("%s: cannot make pipes", spec->name);
        close_fd(&in[0]), close_fd(&in[1]), close_fd(&o[0]), close_fd(&o[1]);
        close_fd(&e[0]), close_fd(&e[1]);
        return rc;
    }
    pid_t pid = -1;
    int rc = start(spec, &pid, in, o, e);
    close_fd(&in[0]);
    close_fd(&o[1]);
    close_fd(&e[1]);
    if (rc) {
        close_fd(&in[1]), close_fd(&o[0]), close_fd(&e[0]);
        return rc;
    }
    if (in[1] >= 0)
        fcntl(in[1], F_SETFL, O_NONBLOCK);
    size_t fed = 0;
    if (in[1] >= 0 && !spec->input_len)
        close_fd(&in[1]);
    double deadline = spec->timeout > 0 ? now() + spec->timeout : 0;
    bool timed_out = false;
    while (o[0] >= 0 || e[0] >= 0 || in[1] >= 0) {
        struct pollfd p[3] = {{o[0], POLLIN, 0}, {e[0], POLLIN, 0}, {in[1], POLLOUT, 0}};
        int wait_ms;
        if (!time_left(deadline, &wait_ms)) {
            timed_out = true;
            break;
        }
        int n = poll(p, 3, wait_ms);
        if (n < 0 && errno != EINTR)
            break;
        if (n <= 0)
            continue;
        if (p[0].revents)
            drain(&o[0], out);
        if (p[1].revents)
            drain(&e[0], errs);
        if (p[2].revents & POLLOUT) {
            ssize_t w = write_input(in[1], spec->input + fed, spec->input_len - fed);
            if (w > 0)
                fed += (size_t)w;
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || fed == spec->input_len)
                close_fd(&in[1]);
        } else if (p[2].revents) {
            close_fd(&in[1]); /* it closed its stdin: it reads no more */
        }
    }
    if (timed_out || o[0] >= 0 || e[0] >= 0)
        kill(-pid, SIGKILL);
    close_fd(&in[1]);
    close_fd(&o[0]);
    close_fd(&e[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    rc = ended(spec, status, timed_out, out, errs);
    strbuf_release(&errbuf);
    return rc;
}

/* ---- sessions: one program answering many requests ---- */

struct process_session {
    struct process_spec spec;
    pid_t pid;
    int in, out, err;
    struct strbuf answers; /* what it wrote on stdout and was not yet taken as an answer */
    struct strbuf errs;    /* what it wrote on stderr since the last answer */
};

int process_session_start(const struct process_spec *spec, struct process_session **session)
{
    *session = NULL;
    int in[2] = {-1, -1}, o[2] = {-1, -1}, e[2] = {-1, -1};
    /* start() reads the input from in[0] only when the spec has some. */
    struct process_spec with_input = *spec;
    with_input.input = "";
    with_input.input_len = 0;
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0) {
        int rc = error_errno("%s: cannot make pipes", spec->name);
        close_fd(&in[0]), close_fd(&in[1]), close_fd(&o[0]), close_fd(&o[1]);
        close_fd(&e[0]), close_fd(&e[1]);
        return rc;
    }
    pid_t pid = -1;
    int rc = start(&with_input, &pid, in, o, e);
    close_fd(&in[0]);
    close_fd(&o[1]);
    close_fd(&e[1]);
    if (rc) {
        close_fd(&in[1]), close_fd(&o[0]), close_fd(&e[0]);
        return rc;
    }
    struct process_session *s = xcalloc(1, sizeof(*s));
    s->spec = *spec;
    s->spec.input = NULL;
    s->spec.input_len = 0;
    s->pid = pid;
    s->in = in[1];
    s->out = o[0];
    s->err = e[0];
    fcntl(s->in, F_SETFL, O_NONBLOCK);
    strbuf_init(&s->answers);
    strbuf_init(&s->errs);
    *session = s;
    return 0;
}

/* Stops the program (SIGKILL to its group) and waits for it; its status into *status. */
static void session_stop(struct process_session *s, int *status)
{
    close_fd(&s->in);
    close_fd(&s->out);
    close_fd(&s->err);
    if (s->pid > 0) {
        kill(-s->pid, SIGKILL);
        int st = 0;
        while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (status)
            *status = st;
        s->pid = -1;
    }
}

/* stderr kept to its last MAX_CAPTURE bytes: a long session's warnings never grow without end. */
static void keep_errs(struct process_session *s)
{
    if (s->errs.len > MAX_CAPTURE) {
        size_t drop = s->errs.len - MAX_CAPTURE / 2;
        memmove(s->errs.buf, s->errs.buf + drop, s->errs.len - drop);
        strbuf_setlen(&s->errs, s->errs.len - drop);
    }
}

int process_session_ask(struct process_session *s, const char *request, size_t len,
                        struct strbuf *answer)
{
    if (s->pid <= 0)
        return error_internal("%s (%s) has stopped", s->spec.name, s->spec.program);
    strbuf_setlen(&s->errs, 0);
    size_t fed = 0;
    double deadline = s->spec.timeout > 0 ? now() + s->spec.timeout : 0;
    bool timed_out = false;
    char *nl = NULL;
    while (!(nl = memchr(s->answers.buf ? s->answers.buf : "", '\n', s->answers.len))) {
        if (s->out < 0)
            break; /* it ended, or closed its stdout, without an answer */
        struct pollfd p[3] = {
            {s->out, POLLIN, 0}, {s->err, POLLIN, 0}, {fed < len ? s->in : -1, POLLOUT, 0}};
        int wait_ms;
        if (!time_left(deadline, &wait_ms)) {
            timed_out = true;
            break;
        }
        int n = poll(p, 3, wait_ms);
        if (n < 0 && errno != EINTR)
            break;
        if (n <= 0)
            continue;
        if (p[0].revents) {
            char buf[4096];
            ssize_t r = read(s->out, buf, sizeof(buf));
            if (r > 0)
                strbuf_add(&s->answers, buf, (size_t)r);
            else if (r == 0 || (errno != EINTR && errno != EAGAIN))
                close_fd(&s->out);
        }
        if (p[1].revents) {
            drain(&s->err, &s->errs);
            keep_errs(s);
        }
        if (p[2].revents & POLLOUT) {
            ssize_t w = write_input(s->in, request + fed, len - fed);
            if (w > 0)
                fed += (size_t)w;
            else if (w < 0 && errno != EAGAIN && errno != EINTR)
                fed = len; /* it reads no more: its end tells why */
        } else if (p[2].revents) {
            fed = len;
        }
    }
    if (nl) {
        size_t n = (size_t)(nl - s->answers.buf);
        strbuf_add(answer, s->answers.buf, n);
        memmove(s->answers.buf, nl + 1, s->answers.len - n - 1);
        strbuf_setlen(&s->answers, s->answers.len - n - 1);
        return 0;
    }
    /* No answer: what it wrote on stderr before it stopped says why. */
    while (s->err >= 0 && !timed_out) {
        struct pollfd p = {s->err, POLLIN, 0};
        if (poll(&p, 1, 1000) <= 0)
            break;
        drain(&s->err, &s->errs);
        keep_errs(s);
    }
    int status = 0;
    session_stop(s, &status);
    int rc = ended(&s->spec, status, timed_out, NULL, &s->errs);
    if (!rc)
        rc = error_internal("%s (%s) ended without an answer%s%s", s->spec.name, s->spec.program,
                            s->errs.len ? ": " : "", stderr_tail(&s->errs));
    return rc;
}

void process_session_end(struct process_session *s)
{
    if (!s)
        return;
    session_stop(s, NULL);
    strbuf_release(&s->answers);
    strbuf_release(&s->errs);
    free(s);
}
