#include "site/build.h"

#include "site/markdown.h"
#include "util/alloc.h"
#include "util/error.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdint.h>

/*
 * Work shared out to b->jobs threads, each taking the next index in turn.
 * What the jobs read was loaded before and is not changed while they run;
 * each writes only its own results. When jobs fail, the failure of the lowest
 * index is reported, whatever the threads' timing, so that a build's message
 * is the same on every run.
 */
struct pool {
    struct build *b;
    size_t n;
    site_job *job;
    site_thread_init *init;
    site_thread_done *done;
    size_t next;
    bool stop;
    pthread_mutex_t lock;
    size_t failed_at; /* the lowest failing index, or SIZE_MAX */
    int rc;
    char *message;
};

static void fail(struct pool *p, size_t i, int rc)
{
    pthread_mutex_lock(&p->lock);
    if (i < p->failed_at) {
        p->failed_at = i;
        p->rc = rc;
        free(p->message);
        p->message = error_save();
    }
    pthread_mutex_unlock(&p->lock);
    __atomic_store_n(&p->stop, true, __ATOMIC_RELAXED);
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    void *state = NULL;
    int rc = p->init ? p->init(p->b, &state) : 0;
    if (rc)
        fail(p, 0, rc);
    while (!rc && !__atomic_load_n(&p->stop, __ATOMIC_RELAXED)) {
        size_t i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
        if (i >= p->n)
            break;
        int job_rc = p->job(p->b, i, state);
        if (job_rc)
            fail(p, i, job_rc);
    }
    if (p->done)
        p->done(state);
    /* The thread's own error buffer goes with it. */
    error_clear();
    return NULL;
}

int site_parallel(struct build *b, size_t n, site_job *job, site_thread_init *init,
                  site_thread_done *done)
{
    size_t nthreads = b->jobs ? b->jobs : 1;
    if (nthreads > n)
        nthreads = n;
    if (nthreads <= 1) {
        void *state = NULL;
        int rc = init ? init(b, &state) : 0;
        for (size_t i = 0; !rc && i < n; i++)
            rc = job(b, i, state);
        if (done) {
            char *saved = rc ? error_save() : NULL;
            done(state);
            error_restore(saved);
        }
        return rc;
    }
    /* Libraries with global state set it up once, here, before any thread starts. */
    markdown_prepare();
    xmlInitParser();
    struct pool p = {.b = b, .n = n, .job = job, .init = init, .done = done, .failed_at = SIZE_MAX};
    pthread_mutex_init(&p.lock, NULL);
    pthread_t *threads = xcalloc(nthreads, sizeof(*threads));
    size_t started = 0;
    int rc = 0;
    for (; started < nthreads; started++)
        if (pthread_create(&threads[started], NULL, worker, &p)) {
            rc = error_internal("cannot start a thread to build the site");
            __atomic_store_n(&p.stop, true, __ATOMIC_RELAXED);
            break;
        }
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    pthread_mutex_destroy(&p.lock);
    if (p.rc) {
        rc = p.rc;
        error_restore(p.message);
    } else {
        free(p.message);
    }
    return rc;
}
