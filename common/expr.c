/*
 * expr.c - indicator expressions compiled to a flat RPN program.
 *
 * Parsing is Dijkstra's shunting-yard: one loop over the tokens with an
 * explicit operator stack, so hostile input cannot recurse.  Bounds:
 * EXPR_MAX_LEN bytes of source (every token is at least one byte, so the
 * operator stack and the program hold at most EXPR_MAX_LEN entries) and
 * EXPR_MAX_DEPTH levels of parentheses (which bounds the value stack, see
 * EXPR_STACK_MAX).
 *
 * Columns in error messages are 1-based byte offsets.  The grammar is
 * ASCII, so the first byte that is not ASCII is itself an error; every
 * byte before a reported column is therefore one character and the column
 * is also a character count.
 *
 * Numbers are read with strtod(), which follows LC_NUMERIC: the program
 * must keep the "C" numeric locale (the default when setlocale() is never
 * called with LC_NUMERIC or LC_ALL).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

/*
 * Values waiting on the stack are the left operands of pending binary
 * operators.  Within one level of parentheses the pending binary operators
 * have strictly rising precedence (left associativity pops equal ones) and
 * there are two binary precedences, so at most two values wait per level;
 * unary minus waits without a value.  With EXPR_MAX_DEPTH nested levels
 * plus the outermost one, and one value being pushed:
 */
#define EXPR_STACK_MAX (2 * (EXPR_MAX_DEPTH + 1) + 1)

enum expr_opcode {
	EOP_CONST,
	EOP_VAR,
	EOP_ADD,
	EOP_SUB,
	EOP_MUL,
	EOP_DIV,
	EOP_NEG,
	EOP_LPAREN /* only on the operator stack while compiling */
};

struct expr_op {
	enum expr_opcode code;
	size_t index; /* EOP_VAR */
	double value; /* EOP_CONST */
};

struct expr {
	size_t nops;
	size_t depth; /* deepest value stack the program needs */
	struct expr_op ops[];
};

enum tok_kind {
	TOK_END,
	TOK_NUM,
	TOK_NAME,
	TOK_PLUS,
	TOK_MINUS,
	TOK_STAR,
	TOK_SLASH,
	TOK_LPAREN,
	TOK_RPAREN
};

struct token {
	enum tok_kind kind;
	size_t col;    /* 1-based */
	double number; /* TOK_NUM */
	size_t index;  /* TOK_NAME */
};

/* An operator waiting on the shunting-yard stack. */
struct pending {
	enum expr_opcode code;
	size_t col;
};

struct parser {
	const char *src;
	size_t pos;
	const char *const *names;
	size_t nnames;
	char *err;
	size_t errlen;
	struct expr *prog;
	size_t depth; /* current value stack depth of prog */
};

static void expr_error(struct parser *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
expr_error(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err == NULL || p->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
}

static int
is_name_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_name_char(int c)
{
	return is_name_start(c) || is_digit(c);
}

/*
 * Length of the well-formed UTF-8 sequence at s (no overlongs, no
 * surrogates, at most U+10FFFF), or 0 if it is not one.
 */
static size_t
utf8_seq_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	return n;
}

/* Report the character at p->pos, which starts no token. */
static void
bad_character(struct parser *p)
{
	const unsigned char *s = (const unsigned char *)p->src + p->pos;
	size_t col = p->pos + 1, n;

	if (s[0] >= 0x20 && s[0] < 0x7f) {
		expr_error(p, "column %zu: unexpected character '%c'", col,
		    s[0]);
	} else if ((n = utf8_seq_len(s)) != 0) {
		expr_error(p, "column %zu: unexpected character '%.*s'", col,
		    (int)n, (const char *)s);
	} else {
		expr_error(p, "column %zu: unexpected byte 0x%02x", col, s[0]);
	}
}

/*
 * Read a number starting at p->pos: digits with at most one '.', then an
 * optional exponent.  Letters, digits, '_' or '.' directly after it make
 * the whole run malformed ("0x1f", "1e", "1.2.3", "2births").
 */
static int
lex_number(struct parser *p, struct token *t)
{
	const char *s = p->src, *start = s + p->pos;
	char buf[EXPR_MAX_LEN + 1], *end;
	size_t i = p->pos, len, digits = 0, dots = 0;

	while (is_digit(s[i]) || s[i] == '.') {
		if (s[i] == '.')
			dots++;
		else
			digits++;
		i++;
	}
	if ((s[i] == 'e' || s[i] == 'E') && digits != 0) {
		size_t j = i + 1;

		if (s[j] == '+' || s[j] == '-')
			j++;
		if (is_digit(s[j])) {
			while (is_digit(s[j]))
				j++;
			i = j;
		}
	}
	len = i - p->pos;
	if (is_name_char(s[i]) || s[i] == '.' || digits == 0 || dots > 1) {
		while (is_name_char(s[i]) || s[i] == '.')
			i++;
		expr_error(p, "column %zu: malformed number '%.*s'", t->col,
		    (int)(i - p->pos), start);
		return -1;
	}

	memcpy(buf, start, len);
	buf[len] = '\0';
	t->number = strtod(buf, &end);
	if (end != buf + len) {
		expr_error(p, "column %zu: malformed number '%s'", t->col, buf);
		return -1;
	}
	if (!isfinite(t->number)) {
		expr_error(p, "column %zu: number out of range '%s'", t->col,
		    buf);
		return -1;
	}
	p->pos = i;
	return 0;
}

/* Read a name starting at p->pos and resolve it against p->names. */
static int
lex_name(struct parser *p, struct token *t)
{
	const char *start = p->src + p->pos;
	size_t len = 0, i;

	while (is_name_char(start[len]))
		len++;
	for (i = 0; i < p->nnames; i++) {
		if (p->names[i] != NULL &&
		    strncmp(p->names[i], start, len) == 0 &&
		    p->names[i][len] == '\0')
			break;
	}
	if (i == p->nnames) {
		expr_error(p, "column %zu: unknown counter '%.*s'", t->col,
		    (int)len, start);
		return -1;
	}
	t->index = i;
	p->pos += len;
	return 0;
}

/* Read the next token into t.  Returns 0, or -1 with the error set. */
static int
next_token(struct parser *p, struct token *t)
{
	int c;

	while ((c = (unsigned char)p->src[p->pos]) == ' ' || c == '\t' ||
	    c == '\r' || c == '\n')
		p->pos++;
	t->col = p->pos + 1;
	t->number = 0;
	t->index = 0;

	if (c == '\0') {
		t->kind = TOK_END;
		return 0;
	}
	if (is_digit(c) || c == '.') {
		t->kind = TOK_NUM;
		return lex_number(p, t);
	}
	if (is_name_start(c)) {
		t->kind = TOK_NAME;
		return lex_name(p, t);
	}
	switch (c) {
	case '+': t->kind = TOK_PLUS; break;
	case '-': t->kind = TOK_MINUS; break;
	case '*': t->kind = TOK_STAR; break;
	case '/': t->kind = TOK_SLASH; break;
	case '(': t->kind = TOK_LPAREN; break;
	case ')': t->kind = TOK_RPAREN; break;
	default: bad_character(p); return -1;
	}
	p->pos++;
	return 0;
}

static int
precedence(enum expr_opcode code)
{
	switch (code) {
	case EOP_ADD:
	case EOP_SUB: return 1;
	case EOP_MUL:
	case EOP_DIV: return 2;
	case EOP_NEG: return 3;
	default: return 0;
	}
}

/*
 * Append one instruction to the program, tracking the value stack depth
 * it will need.  Fails only if EXPR_STACK_MAX is wrong.
 */
static int
emit(struct parser *p, enum expr_opcode code, size_t index, double value,
    size_t col)
{
	struct expr *e = p->prog;
	struct expr_op *op = &e->ops[e->nops++];

	op->code = code;
	op->index = index;
	op->value = value;
	if (code == EOP_CONST || code == EOP_VAR)
		p->depth++;
	else if (code != EOP_NEG)
		p->depth--;
	if (p->depth > e->depth)
		e->depth = p->depth;
	if (e->depth > EXPR_STACK_MAX) {
		expr_error(p, "column %zu: expression too complex", col);
		return -1;
	}
	return 0;
}

static enum expr_opcode
binary_opcode(enum tok_kind kind)
{
	switch (kind) {
	case TOK_PLUS: return EOP_ADD;
	case TOK_MINUS: return EOP_SUB;
	case TOK_STAR: return EOP_MUL;
	default: return EOP_DIV;
	}
}

/*
 * Move operators of precedence min_prec or more from the top of the stack
 * to the program, stopping at a '(' or the bottom.
 */
static int
unwind(struct parser *p, struct pending *stack, size_t *top, int min_prec)
{
	while (*top > 0 && stack[*top - 1].code != EOP_LPAREN &&
	    precedence(stack[*top - 1].code) >= min_prec) {
		(*top)--;
		if (emit(p, stack[*top].code, 0, 0, stack[*top].col) != 0)
			return -1;
	}
	return 0;
}

/* The shunting-yard loop.  Returns 0, or -1 with the error set. */
static int
parse(struct parser *p)
{
	struct pending stack[EXPR_MAX_LEN];
	struct token t;
	size_t top = 0, parens = 0, ntokens = 0;
	enum expr_opcode code;
	int want_operand = 1;

	for (;;) {
		if (next_token(p, &t) != 0)
			return -1;
		ntokens++;
		if (want_operand) {
			switch (t.kind) {
			case TOK_NUM:
				if (emit(p, EOP_CONST, 0, t.number, t.col) != 0)
					return -1;
				want_operand = 0;
				break;
			case TOK_NAME:
				if (emit(p, EOP_VAR, t.index, 0, t.col) != 0)
					return -1;
				want_operand = 0;
				break;
			case TOK_PLUS: break; /* unary plus changes nothing */
			case TOK_MINUS:
				stack[top].code = EOP_NEG;
				stack[top++].col = t.col;
				break;
			case TOK_LPAREN:
				if (parens == EXPR_MAX_DEPTH) {
					expr_error(p,
					    "column %zu: nesting "
					    "deeper than %d",
					    t.col, EXPR_MAX_DEPTH);
					return -1;
				}
				parens++;
				stack[top].code = EOP_LPAREN;
				stack[top++].col = t.col;
				break;
			case TOK_END:
				if (ntokens == 1) {
					expr_error(p,
					    "column 1: empty "
					    "expression");
					return -1;
				}
				/* FALLTHROUGH */
			default:
				expr_error(p,
				    "column %zu: expected a number, "
				    "a counter or '('",
				    t.col);
				return -1;
			}
			continue;
		}

		switch (t.kind) {
		case TOK_PLUS:
		case TOK_MINUS:
		case TOK_STAR:
		case TOK_SLASH:
			code = binary_opcode(t.kind);
			if (unwind(p, stack, &top, precedence(code)) != 0)
				return -1;
			stack[top].code = code;
			stack[top++].col = t.col;
			want_operand = 1;
			break;
		case TOK_RPAREN:
			if (parens == 0) {
				expr_error(p, "column %zu: unexpected ')'",
				    t.col);
				return -1;
			}
			if (unwind(p, stack, &top, 1) != 0)
				return -1;
			top--; /* the matching '(' */
			parens--;
			break;
		case TOK_END:
			if (parens != 0) {
				expr_error(p, "column %zu: expected ')'",
				    t.col);
				return -1;
			}
			return unwind(p, stack, &top, 1);
		default:
			if (parens != 0) {
				expr_error(p,
				    "column %zu: expected an "
				    "operator or ')'",
				    t.col);
			} else {
				expr_error(p,
				    "column %zu: expected an "
				    "operator or end of expression",
				    t.col);
			}
			return -1;
		}
	}
}

/*
 * Compile src against the counter names[0..nnames).  Returns a program
 * to free with expr_free(), or NULL with a message in err: "expression
 * longer than 1024 characters", or "column N: ..." naming the first
 * problem (empty expression, unexpected character, malformed number,
 * unknown counter, misplaced operator or parenthesis, nesting deeper than
 * EXPR_MAX_DEPTH), or "out of memory".
 */
expr *
expr_compile(const char *src, const char *const *names, size_t nnames,
    char *err, size_t errlen)
{
	struct parser p;
	struct expr *e, *shrunk;
	size_t len;

	memset(&p, 0, sizeof p);
	p.src = src != NULL ? src : "";
	p.names = names;
	p.nnames = names != NULL ? nnames : 0;
	p.err = err;
	p.errlen = errlen;
	if (err != NULL && errlen != 0)
		err[0] = '\0';

	/* Do not walk a huge string just to learn it is too long. */
	for (len = 0; len <= EXPR_MAX_LEN && p.src[len] != '\0'; len++)
		/* nothing */;
	if (len > EXPR_MAX_LEN) {
		expr_error(&p, "expression longer than %d characters",
		    EXPR_MAX_LEN);
		return NULL;
	}

	/* Each instruction comes from a token of at least one byte. */
	e = malloc(sizeof *e + (len + 1) * sizeof e->ops[0]);
	if (e == NULL) {
		expr_error(&p, "out of memory");
		return NULL;
	}
	e->nops = 0;
	e->depth = 0;
	p.prog = e;
	if (parse(&p) != 0) {
		free(e);
		return NULL;
	}

	shrunk = realloc(e, sizeof *e + e->nops * sizeof e->ops[0]);
	return shrunk != NULL ? shrunk : e;
}

/*
 * Run the program with values[i] for names[i]; known[i] == 0 marks a value
 * unknown (known NULL: all known).  Returns 0 with the result in *out, or
 * -1 when there is no value: a division by zero, a use of an unknown
 * value, or any intermediate or final result that is not finite.
 */
int
expr_eval(const expr *e, const double *values, const unsigned char *known,
    double *out)
{
	double stack[EXPR_STACK_MAX], a, b, r;
	const struct expr_op *op;
	size_t i, n = 0;

	if (e == NULL || e->nops == 0 || e->depth > EXPR_STACK_MAX)
		return -1;
	for (i = 0; i < e->nops; i++) {
		op = &e->ops[i];
		switch (op->code) {
		case EOP_CONST: stack[n++] = op->value; continue;
		case EOP_VAR:
			if (values == NULL ||
			    (known != NULL && known[op->index] == 0))
				return -1;
			r = values[op->index];
			if (!isfinite(r))
				return -1;
			stack[n++] = r;
			continue;
		case EOP_NEG: stack[n - 1] = -stack[n - 1]; continue;
		default: break;
		}

		b = stack[--n];
		a = stack[n - 1];
		switch (op->code) {
		case EOP_ADD: r = a + b; break;
		case EOP_SUB: r = a - b; break;
		case EOP_MUL: r = a * b; break;
		default:
			if (b == 0)
				return -1;
			r = a / b;
			break;
		}
		if (!isfinite(r))
			return -1;
		stack[n - 1] = r;
	}
	if (n != 1)
		return -1;
	*out = stack[0];
	return 0;
}

/*
 * Nonzero if the program reads variable index i (names[i] at compile
 * time); 0 for NULL.
 */
int
expr_uses(const expr *e, size_t i)
{
	size_t k;

	if (e == NULL)
		return 0;
	for (k = 0; k < e->nops; k++) {
		if (e->ops[k].code == EOP_VAR && e->ops[k].index == i)
			return 1;
	}
	return 0;
}

/*
 * Free a program from expr_compile().  NULL is ignored.
 */
void
expr_free(expr *e)
{
	free(e);
}
