/*
 * args.c - the option parser shared by the subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"

/*
 * Parse "--name VALUE" options (names[0..n)), value-less flags
 * (flags[0..nflags), recorded in o->set[n + k]) and, with want_pos, one
 * positional argument.  argv[0] is the command word.  Returns 0, or a usage
 * exit status after printing the error.
 */
int
parse_opts(const char *cmd, int argc, char **argv, const char *const *names,
    int n, const char *const *flags, int nflags, struct opts *o, int want_pos)
{
	int i, k;

	memset(o, 0, sizeof *o);
	for (i = 1; i < argc; i++) {
		for (k = 0; k < nflags; k++)
			if (strcmp(argv[i], flags[k]) == 0) {
				o->set[n + k] = 1;
				break;
			}
		if (k < nflags)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(argv[i], names[k]) == 0 && i + 1 < argc) {
				o->v[k] = argv[++i];
				o->set[k] = 1;
				break;
			}
		if (k < n)
			continue;
		if (want_pos && o->pos == NULL && argv[i][0] != '-') {
			o->pos = argv[i];
			continue;
		}
		return usage_error(cmd, "unexpected '%s'", argv[i]);
	}
	return 0;
}


/*
 * Send one request whose answer is an Ack and print its message (unless
 * --quiet).  Returns 0 or an exit status.
 */
int
client_ack(Popstat__Request *rq, const char *what)
{
	Popstat__Envelope *reply;
	int rc;

	if ((rc = client_simple(rq, what, &reply)) != 0)
		return rc;
	if (!opt.quiet && reply->response->body_case ==
	    POPSTAT__RESPONSE__BODY_ACK && reply->response->ack->message)
		printf("%s\n", reply->response->ack->message);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}
