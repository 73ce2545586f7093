/*
 * cmd_template.c - popstat template KIND [--lang zh|en] [--format
 * csv|xlsx] [--output FILE]: an empty register of one kind with the
 * right headers (Chinese by default for zh, doc/rules.md §13) and one
 * example row.  The xlsx is written with libxlsxwriter, its ID column
 * formatted as text so that Excel keeps all 18 characters of an ID.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "client.h"
#include "lang.h"
#include "record.h"
#include "sbuf.h"

static const char template_usage[] =
    "usage: popstat template KIND [--lang zh|en] [--format csv|xlsx]"
    " [--output FILE]\n"
    "  Write an empty register for KIND (birth, death, migration, population,\n"
    "  verification): the header row (in Chinese for --lang zh, the default\n"
    "  in a Chinese locale) and one example row to replace.  CSV goes to\n"
    "  standard output (in Chinese with a BOM, so that Excel shows it right);\n"
    "  xlsx to --output FILE or standard output, the ID column formatted as\n"
    "  text.\n";

/* Headers in Chinese: the fixed aliases of doc/rules.md §13. */
static const char *
zh_header(int kind, int col)
{
	static const char *const dates[KIND_COUNT] = { "日期", "出生日期",
		"死亡日期", "迁移日期", "统计日期", "核查日期" };

	switch (col) {
	case COL_RECORD_ID: return "编号";
	case COL_UNIT: return "单位代码";
	case COL_DATE: return dates[kind];
	case COL_SEX: return "性别";
	case COL_BIRTH_ORDER: return "孩次";
	case COL_POLICY: return "是否符合政策";
	case COL_MOTHER_ID: return "母亲身份证号码";
	case COL_AGE: return "年龄";
	case COL_DIRECTION: return "迁移方向";
	default: return kind == KIND_MIGRATION ? "人数" : "人口数";
	}
}

/* The example row's value of a column. */
static const char *
example(int kind, int col, int zh)
{
	static const char *const ids[KIND_COUNT] = { "", "b0001", "d0001",
		"m0001", "p0001", "v0001" };

	switch (col) {
	case COL_RECORD_ID: return ids[kind];
	case COL_UNIT: return "610328101";
	case COL_DATE:
		return kind == KIND_POPULATION ? "2025-12-31" : "2026-01-05";
	case COL_SEX:
		return kind == KIND_BIRTH ? (zh ? "女" : "F") :
					    (zh ? "男" : "M");
	case COL_BIRTH_ORDER: return "1";
	case COL_POLICY: return zh ? "是" : "Y";
	case COL_MOTHER_ID: return "11010519491231002X";
	case COL_AGE: return "78";
	case COL_DIRECTION: return zh ? "迁入" : "in";
	default: return kind == KIND_MIGRATION ? "3" : "52000";
	}
}

static int
numeric(int col)
{
	return col == COL_BIRTH_ORDER || col == COL_AGE || col == COL_PERSONS;
}

static int
write_xlsx(const char *path, int kind, int zh)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws;
	lxw_format *bold, *text;
	int c, n = 0;

	if (wb == NULL)
		return -1;
	ws = workbook_add_worksheet(wb, zh ? "登记表" : kind_name(kind));
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	for (c = 0; c < COL_COUNT; c++) {
		if (!kind_has_col(kind, c, NULL))
			continue;
		worksheet_set_column(ws, (lxw_col_t)n, (lxw_col_t)n,
		    c == COL_MOTHER_ID ? 22 : 14,
		    c == COL_MOTHER_ID || c == COL_RECORD_ID || c == COL_UNIT ?
			text :
			NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)n,
		    zh ? zh_header(kind, c) : col_name(c), bold);
		if (numeric(c))
			worksheet_write_number(ws, 1, (lxw_col_t)n,
			    atof(example(kind, c, zh)), NULL);
		else
			worksheet_write_string(ws, 1, (lxw_col_t)n,
			    example(kind, c, zh),
			    c == COL_MOTHER_ID || c == COL_RECORD_ID ||
				    c == COL_UNIT ?
				text :
				NULL);
		n++;
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

static void
write_csv(FILE *f, int kind, int zh)
{
	int c, pass, n;

	if (zh)
		fputs("\xef\xbb\xbf", f);
	for (pass = 0; pass < 2; pass++) {
		n = 0;
		for (c = 0; c < COL_COUNT; c++) {
			if (!kind_has_col(kind, c, NULL))
				continue;
			fprintf(f, "%s%s", n++ ? "," : "",
			    pass == 0 ?
				(zh ? zh_header(kind, c) : col_name(c)) :
				example(kind, c, zh));
		}
		fputs("\r\n", f);
	}
}

/* Copy a file to standard output. */
static int
cat_file(const char *path)
{
	char buf[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (fwrite(buf, 1, n, stdout) != n) {
			fclose(f);
			return -1;
		}
	fclose(f);
	return fflush(stdout) == 0 ? 0 : -1;
}

int
cmd_template(int argc, char **argv)
{
	const char *lang = NULL, *format = "csv", *out = NULL, *k = NULL;
	int kind, zh, i, rc;

	if (args_help(argc, argv)) {
		fputs(template_usage, stdout);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[++i];
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			format = argv[++i];
		else if ((strcmp(argv[i], "--output") == 0 ||
			     strcmp(argv[i], "-o") == 0) &&
		    i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] == '-')
			return args_usage_error("template", "unknown option %s",
			    argv[i]);
		else if (k == NULL)
			k = argv[i];
		else
			return args_usage_error("template",
			    "one kind at a time");
	}
	if (k == NULL || (kind = kind_parse(k)) == KIND_NONE)
		return args_usage_error("template",
		    "needs KIND: birth, death,"
		    " migration, population or verification");
	/* main takes --lang, --output and --format xlsx as global options. */
	if (lang == NULL)
		lang = opt.lang_flag;
	if (out == NULL)
		out = opt.output;
	if (opt.xlsx)
		format = "xlsx";
	if ((zh = lang_pick(lang, opt.lang_config)) < 0)
		return args_usage_error("template", "--lang must be zh or en");
	zh = zh == LANG_ZH;
	if (strcmp(format, "csv") == 0) {
		FILE *f = out ? fopen(out, "wb") : stdout;

		if (f == NULL) {
			fprintf(stderr, "popstat template: %s: cannot write\n",
			    out);
			return EXIT_USAGE;
		}
		write_csv(f, kind, zh);
		if (out != NULL && fclose(f) != 0)
			return EXIT_USAGE;
		return 0;
	}
	if (strcmp(format, "xlsx") != 0)
		return args_usage_error("template",
		    "--format must be csv or xlsx");
	if (out != NULL) {
		if (write_xlsx(out, kind, zh) < 0) {
			fprintf(stderr, "popstat template: %s: cannot write\n",
			    out);
			return EXIT_USAGE;
		}
		return 0;
	}
	if (isatty(STDOUT_FILENO))
		return args_usage_error("template",
		    "an xlsx file is not for a"
		    " terminal: use --output FILE or redirect the output");
	{
		char tmp[] = "/tmp/popstat-templateXXXXXX";
		int fd = mkstemp(tmp);

		if (fd < 0)
			return EXIT_USAGE;
		close(fd);
		rc = write_xlsx(tmp, kind, zh) == 0 && cat_file(tmp) == 0;
		unlink(tmp);
		if (!rc) {
			fprintf(stderr,
			    "popstat template: cannot write the"
			    " xlsx\n");
			return EXIT_USAGE;
		}
	}
	return 0;
}
