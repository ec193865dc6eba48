#include "cmd/commands.h"
#include "desk/desk.h"

/* journal serve [--listen ADDR:PORT]: the front desk (src/desk/desk.h). */
int cmd_serve(int argc, char **argv, struct cli *cli)
{
    struct desk_options opt = {cli->dir, NULL};
    const struct cli_option options[] = {{"--listen", &opt.listen, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, cli, options, NULL, 0);
    if (rc)
        return rc;
    return desk_serve(&opt);
}
