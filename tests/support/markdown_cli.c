/*
 * markdown_cli: renders a Markdown file to HTML as the site renders an article's body
 * (site/markdown.c, raw HTML escaped), for shell tests that check what a converted Word
 * file becomes on the page (tests/cli/test_convert.sh).
 *
 *   markdown_cli FILE      prints the HTML
 *
 * Exit status as journal's: 0, 1 rejected input, 2 usage, 3 failure.
 */
#include "site/markdown.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: markdown_cli FILE\n", stderr);
        return 2;
    }
    markdown_prepare();
    struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
    int rc = fs_read_file(argv[1], &in);
    if (!rc)
        rc = markdown_to_html(in.buf, in.len, false, &out);
    if (rc)
        fprintf(stderr, "markdown_cli: %s\n", error_message());
    else
        fwrite(out.buf, 1, out.len, stdout);
    strbuf_release(&in);
    strbuf_release(&out);
    return error_exit_status(rc);
}
