#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "util/fs.h"
#include "workflow/packet.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_packet(int argc, char **argv, struct cli *cli)
{
    const char *number_arg, *reviewer = NULL, *output = NULL, *files = NULL;
    const struct cli_option options[] = {{"--reviewer", &reviewer, NULL},
                                         {"-o", &output, NULL},
                                         {"--files", &files, NULL},
                                         {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, cli, options, &number_arg, 1);
    if (rc)
        return rc;
    if (!number_arg || !reviewer)
        return error_usage("usage: journal packet NUMBER --reviewer ID [-o FILE] [--files DIR]");
    unsigned long number;
    rc = cli_parse_number(number_arg, &number);
    if (rc)
        return rc;
    struct journal_repo *repo = NULL;
    struct packet p = {0};
    rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = packet_make(repo, number, reviewer, &p);
    if (!rc && output)
        rc = fs_write_atomic(output, p.text.buf, p.text.len);
    /* The attachments for the reviewer, by their paths under DIR. */
    for (size_t i = 0; !rc && files && i < p.nfiles; i++) {
        struct strbuf data = STRBUF_INIT;
        char *path = fs_join(files, p.files[i]);
        rc = packet_read_file(repo, number, p.files[i], &data);
        if (!rc)
            rc = fs_mkdirs_parent(path);
        if (!rc)
            rc = fs_write_atomic(path, data.buf, data.len);
        free(path);
        strbuf_release(&data);
    }
    if (!rc) {
        const char *where = output ? output : "the packet";
        for (size_t i = 0; i < p.nwarnings; i++)
            fprintf(stderr, "journal packet: warning: %s:%zu: %s\n", where, p.warnings[i].line,
                    p.warnings[i].text);
        if (cli->json) {
            json_t *warnings = json_array();
            for (size_t i = 0; i < p.nwarnings; i++)
                json_array_append_new(warnings, json_pack("{s:I, s:s}", "line",
                                                          (json_int_t)p.warnings[i].line, "text",
                                                          p.warnings[i].text));
            json_t *list = json_array();
            for (size_t i = 0; i < p.nfiles; i++)
                json_array_append_new(list, json_string(p.files[i]));
            cli_print_json(json_pack("{s:I, s:s, s:b, s:I, s:o, s:o, s:I, s:b, s:s?, s:s?}",
                                     "number", (json_int_t)number, "reviewer", reviewer, "blinded",
                                     p.blinded, "removed_sections", (json_int_t)p.removed_sections,
                                     "warnings", warnings, "attachments", list, "private",
                                     (json_int_t)p.nprivate, "response", p.response, "output",
                                     output, "packet", output ? NULL : p.text.buf));
        } else if (output) {
            printf("Wrote the %s packet for %s to %s (%zu identifying section%s removed, %zu "
                   "warning%s).\n",
                   p.blinded ? "double-blind" : "review", reviewer, output, p.removed_sections,
                   p.removed_sections == 1 ? "" : "s", p.nwarnings, p.nwarnings == 1 ? "" : "s");
            if (p.nfiles || p.nprivate)
                printf("%zu attachment%s for the reviewer%s%s%s, %zu kept private.\n", p.nfiles,
                       p.nfiles == 1 ? "" : "s", files ? " written to " : "", files ? files : "",
                       files ? "" : " (--files DIR writes them)", p.nprivate);
        } else {
            fwrite(p.text.buf, 1, p.text.len, stdout);
        }
    }
    packet_free(&p);
    repo_free(repo);
    return rc;
}
