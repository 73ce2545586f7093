/*
 * settings.h - every popstatd option in one table: name, kind, default,
 * range and meaning.  Each is set on the command line as --NAME VALUE (or
 * --NAME for a flag) or in the configuration file as "NAME = VALUE";
 * the command line wins.
 */
#ifndef POPSTAT_SETTINGS_H
#define POPSTAT_SETTINGS_H

#include <stddef.h>
#include <stdio.h>

#define SETTINGS_DEFAULT_CONFIG "/etc/popstat/popstatd.conf"

/* Set every option to its default. */
void settings_defaults(void);

/*
 * Parse argv (after the program name).  Options given are remembered so the
 * configuration file cannot override them.  Returns 0, 1 when --help was
 * printed, or -1 after printing an error.
 */
int settings_parse_args(int argc, char **argv);

/*
 * Read the configuration file: --config FILE when given (must exist), else
 * SETTINGS_DEFAULT_CONFIG when it exists.  Unknown keys and bad values are
 * errors naming the file and line.  Returns 0 or -1 after printing why.
 */
int settings_load_config(void);

/*
 * SIGHUP: re-read the configuration file and apply the options that are
 * safe to change while serving (limits, log level, reporting rules).
 * Returns 0, or -1 (after logging) leaving every setting as it was.
 */
int settings_reload(void);

/* Set one option by name; -1 with a message in err. */
int settings_set(const char *name, const char *value, char *err, size_t errlen);

void settings_usage(FILE *f);

/* The configuration file that was read, or NULL. */
const char *settings_config_path(void);

#endif
