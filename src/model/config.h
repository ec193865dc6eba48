#ifndef JOURNAL_MODEL_CONFIG_H
#define JOURNAL_MODEL_CONFIG_H

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

struct language_db;

#define CONFIG_DEFAULT_MAX_MANUSCRIPT_SIZE (2u * 1024 * 1024)
#define CONFIG_DEFAULT_MAX_ATTACHMENT_SIZE (25u * 1024 * 1024)

/* journal.yaml: the journal's identity and its editorial settings. */
struct journal_config {
    char *title;
    char *description; /* Markdown */
    char *publisher;
    char *issn;
    char *base_url; /* always ends with '/' */
    char **languages;
    size_t nlanguages;
    char *review_mode; /* double-blind, single-blind or open */
    char *doi_prefix;
    char *doi_pattern; /* {prefix}/{journal}.{year}.{volume}.{number}.{article} by default */
    char *license;
    char *theme;
    unsigned reviews_per_submission; /* k for automatic assignment, and "fully assigned" */
    unsigned review_due_days;
    bool conflict_same_country; /* a reviewer from an author's country has a conflict */
    char *abbreviation;         /* short name for mail subjects, or NULL (the title) */
    /* Mail: without mail_from_address no mail is made; without smtp_host it waits in the outbox. */
    char *mail_from_address;
    char *mail_from_name;
    char *mail_reply_to;
    char *smtp_host;
    unsigned smtp_port;  /* 0: by smtp_tls */
    char *smtp_tls;      /* starttls (default), tls or none */
    char *smtp_user_env; /* names of environment variables: credentials never live in files */
    char *smtp_password_env;
    unsigned mail_max_attempts;
    unsigned mail_stale_claim_seconds;
    size_t max_manuscript_size;
    size_t max_attachment_size;
    bool allow_raw_html;
};

/* Parse and validate; languages may be NULL to skip checking language codes. */
int config_parse(struct journal_config *cfg, const char *file, const char *text, size_t len,
                 const struct language_db *languages);
void config_free(struct journal_config *cfg);
/* The journal.yaml that `journal init` writes. */
void config_write_default(struct strbuf *out, const char *title);

/* ISSN "1234-5679": format and mod-11 check digit. */
bool issn_is_valid(const char *issn);

#endif
