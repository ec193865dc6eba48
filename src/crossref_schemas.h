#ifndef JOURNAL_CROSSREF_SCHEMAS_H
#define JOURNAL_CROSSREF_SCHEMAS_H

#include "embedded.h"

/*
 * schemas/crossref/ (catalog.xml and the .xsd files under schemas/) compiled into the binary
 * (by cmake/embed.cmake), so that `journal deposit` validates every deposit against the
 * schema this build was made with, in the build tree or installed, with no file to find and
 * nothing fetched (export/crossref.c serves them to libxml2).
 */
extern const struct embedded_file crossref_schema_files[];
extern const size_t crossref_schema_nfiles;

#endif
