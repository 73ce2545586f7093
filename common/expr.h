/*
 * expr.h - indicator expressions (doc/indicators.md §6).
 *
 * Grammar: numbers (decimal, optional fraction and exponent), variable names
 * [A-Za-z_][A-Za-z0-9_]*, binary + - * /, unary + and -, parentheses.
 * Usual precedence, left associative.  Compiled once into a flat program
 * (no recursion in evaluation; parsing must not overflow the stack on
 * hostile input: nesting is limited to EXPR_MAX_DEPTH, length to
 * EXPR_MAX_LEN).
 */
#ifndef POPSTAT_EXPR_H
#define POPSTAT_EXPR_H

#include <stddef.h>

#define EXPR_MAX_LEN 1024
#define EXPR_MAX_DEPTH 32

typedef struct expr expr;

/*
 * Compile src.  Variable names are resolved against names[0..nnames): a name
 * not in the list is an error ("unknown counter 'birth'").  Returns a new
 * program, or NULL with a message naming the problem and its 1-based column
 * in err ("column 7: expected ')'").
 */
expr *expr_compile(const char *src, const char *const *names, size_t nnames,
    char *err, size_t errlen);

/*
 * Evaluate with values[i] the value of names[i].  known[i] == 0 marks a value
 * as unknown (for example an unknown population); known may be NULL (all
 * known).  Returns 0 and stores the result, or -1 when there is no value:
 * a division by zero, an unknown variable that was used, or a non-finite
 * result.
 */
int expr_eval(const expr *e, const double *values, const unsigned char *known,
    double *out);

/* Nonzero if the expression uses variable index i. */
int expr_uses(const expr *e, size_t i);

void expr_free(expr *e);

#endif
