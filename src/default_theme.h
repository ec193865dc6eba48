#ifndef JOURNAL_DEFAULT_THEME_H
#define JOURNAL_DEFAULT_THEME_H

#include "embedded.h"

/*
 * themes/default/ compiled into the binary (by cmake/embed.cmake), so that
 * `journal init` gives every new journal the theme this build was made with.
 */
extern const struct embedded_file default_theme_files[];
extern const size_t default_theme_nfiles;

#endif
