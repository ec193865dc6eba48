/*
 * Helper programs (util/process.c): what a program writes comes back, its input reaches it,
 * a failure names the program with its exit status and what it said, a missing program says
 * how to install it, a program that runs too long is stopped (with what it started), and one
 * that wants more memory than its bound is refused it; it runs in the folder asked for. A
 * session answers request after request, and one that ends or stalls says so.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/error.h"
#include "util/process.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int sh(const char *script, const char *input, double timeout, size_t memory,
              struct strbuf *out, struct strbuf *err)
{
    const char *argv[] = {"sh", "-c", script, NULL};
    struct process_spec spec = {.name = "Helper",
                                .program = "/bin/sh",
                                .argv = argv,
                                .install = "install it with apt-get install helper",
                                .input = input,
                                .input_len = input ? strlen(input) : 0,
                                .timeout = timeout,
                                .max_memory = memory};
    return process_run(&spec, out, err);
}

static void output_comes_back(void **state)
{
    (void)state;
    struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
    assert_int_equal(sh("echo to-stdout; echo to-stderr >&2", NULL, 10, 0, &out, &err), 0);
    assert_string_equal(out.buf, "to-stdout\n");
    assert_string_equal(err.buf, "to-stderr");
    strbuf_release(&out);
    strbuf_release(&err);
}

/* More than a pipe holds, in and out at once: neither side waits for the other forever. */
static void input_reaches_it(void **state)
{
    (void)state;
    struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
    for (int i = 0; i < 50000; i++)
        strbuf_addf(&in, "line %d\n", i);
    assert_int_equal(sh("cat", in.buf, 10, 0, &out, NULL), 0);
    assert_int_equal(out.len, in.len);
    assert_memory_equal(out.buf, in.buf, in.len);
    strbuf_release(&in);
    strbuf_release(&out);
}

static void failure_names_status_and_message(void **state)
{
    (void)state;
    assert_int_equal(sh("echo 'index: broken page' >&2; exit 4", NULL, 10, 0, NULL, NULL),
                     JOURNAL_EINTERNAL);
    assert_string_equal(error_message(),
                        "Helper (/bin/sh) failed with exit status 4: index: broken page");
    error_clear();
}

static void missing_program_says_how_to_install(void **state)
{
    (void)state;
    struct process_spec spec = {.name = "Helper",
                                .program = "/nonexistent/helper",
                                .install = "install it with apt-get install helper"};
    assert_int_equal(process_run(&spec, NULL, NULL), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "Helper: cannot run /nonexistent/helper"));
    assert_non_null(strstr(error_message(), "install it with apt-get install helper"));
    error_clear();
    spec.program = "no-such-helper-on-path";
    assert_int_equal(process_run(&spec, NULL, NULL), JOURNAL_EINPUT);
    error_clear();
}

/* The shell starts a sleep of its own: the whole group is stopped, and nothing keeps the pipes
   open past the bound. */
static void too_long_is_stopped(void **state)
{
    (void)state;
    double start = now();
    assert_int_equal(sh("sleep 30 & sleep 30; wait", NULL, 0.3, 0, NULL, NULL), JOURNAL_EINTERNAL);
    assert_true(now() - start < 5);
    assert_non_null(strstr(error_message(), "took more than"));
    error_clear();
}

static void memory_is_bounded(void **state)
{
    (void)state;
    /* 200 MB of text in a shell variable, with 64 MB of address space. */
    const char *grow = "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo ${#x}";
    assert_int_not_equal(sh(grow, NULL, 30, (size_t)64 << 20, NULL, NULL), 0);
    error_clear();
    struct strbuf out = STRBUF_INIT;
    assert_int_equal(sh("echo small", NULL, 30, (size_t)64 << 20, &out, NULL), 0);
    assert_string_equal(out.buf, "small\n");
    strbuf_release(&out);
}

/* Pandoc extracts a document's pictures into a folder named relative to where it runs. */
static void runs_in_its_folder(void **state)
{
    (void)state;
    const char *argv[] = {"sh", "-c", "pwd", NULL};
    struct process_spec spec = {.name = "Helper",
                                .program = "/bin/sh",
                                .argv = argv,
                                .install = "install it",
                                .timeout = 10};
    struct strbuf out = STRBUF_INIT;
    spec.cwd = "/";
    assert_int_equal(process_run(&spec, &out, NULL), 0);
    assert_string_equal(out.buf, "/\n");
    strbuf_reset(&out);
    spec.cwd = "/usr/bin";
    assert_int_equal(process_run(&spec, &out, NULL), 0);
    assert_string_equal(out.buf, "/usr/bin\n");
    strbuf_release(&out);
}

/* ---- sessions ---- */

static int session(const char *script, double timeout, struct process_session **s)
{
    static const char *argv[4];
    argv[0] = "sh", argv[1] = "-c", argv[2] = script, argv[3] = NULL;
    static struct process_spec spec;
    spec = (struct process_spec){.name = "Helper",
                                 .program = "/bin/sh",
                                 .argv = argv,
                                 .install = "install it with apt-get install helper",
                                 .timeout = timeout};
    return process_session_start(&spec, s);
}

/* One program answers many requests, each in its turn, a request larger than a pipe holds
   among them; its stderr does not get in the way. */
static void session_answers_each_request(void **state)
{
    (void)state;
    struct process_session *s = NULL;
    assert_int_equal(session("while read -r line; do echo noise >&2; echo \"got ${#line}\"; "
                             "done",
                             10, &s),
                     0);
    struct strbuf big = STRBUF_INIT, answer = STRBUF_INIT;
    for (int i = 0; i < 200000; i++)
        strbuf_addch(&big, 'x');
    strbuf_addch(&big, '\n');
    assert_int_equal(process_session_ask(s, "abc\n", 4, &answer), 0);
    assert_string_equal(answer.buf, "got 3");
    strbuf_setlen(&answer, 0);
    assert_int_equal(process_session_ask(s, big.buf, big.len, &answer), 0);
    assert_string_equal(answer.buf, "got 200000");
    strbuf_setlen(&answer, 0);
    assert_int_equal(process_session_ask(s, "\n", 1, &answer), 0);
    assert_string_equal(answer.buf, "got 0");
    process_session_end(s);
    strbuf_release(&big);
    strbuf_release(&answer);
}

/* A program that ends without answering: its status and what it said, and no more requests. */
static void session_failure_names_status_and_message(void **state)
{
    (void)state;
    struct process_session *s = NULL;
    assert_int_equal(session("read -r line; echo 'it broke' >&2; exit 4", 10, &s), 0);
    struct strbuf answer = STRBUF_INIT;
    assert_int_equal(process_session_ask(s, "job\n", 4, &answer), JOURNAL_EINTERNAL);
    assert_non_null(
        strstr(error_message(), "Helper (/bin/sh) failed with exit status 4: it broke"));
    error_clear();
    assert_int_equal(process_session_ask(s, "job\n", 4, &answer), JOURNAL_EINTERNAL);
    error_clear();
    process_session_end(s);
    strbuf_release(&answer);
}

/* A request not answered in time stops the program. */
static void session_too_long_is_stopped(void **state)
{
    (void)state;
    struct process_session *s = NULL;
    assert_int_equal(session("read -r line; sleep 30", 0.5, &s), 0);
    struct strbuf answer = STRBUF_INIT;
    double start = now();
    assert_int_equal(process_session_ask(s, "job\n", 4, &answer), JOURNAL_EINTERNAL);
    assert_true(now() - start < 10);
    assert_non_null(strstr(error_message(), "took more than"));
    error_clear();
    process_session_end(s);
    strbuf_release(&answer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(output_comes_back),
        cmocka_unit_test(input_reaches_it),
        cmocka_unit_test(failure_names_status_and_message),
        cmocka_unit_test(missing_program_says_how_to_install),
        cmocka_unit_test(too_long_is_stopped),
        cmocka_unit_test(memory_is_bounded),
        cmocka_unit_test(runs_in_its_folder),
        cmocka_unit_test(session_answers_each_request),
        cmocka_unit_test(session_failure_names_status_and_message),
        cmocka_unit_test(session_too_long_is_stopped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
