#ifndef JOURNAL_PDF_DRIVER_H
#define JOURNAL_PDF_DRIVER_H

#include "embedded.h"

/*
 * tools/pdf/typeset.py compiled into the binary (by cmake/embed.cmake): the WeasyPrint driver
 * that build-site runs with the engine's Python to typeset the PDF galleys (site/pdf.c), in
 * the build tree or installed, with no file to find.
 */
extern const struct embedded_file pdf_driver_files[];
extern const size_t pdf_driver_nfiles;

#endif
