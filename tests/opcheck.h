/* opcheck.h -- build one node by hand and run it through its operator row.
 *
 * Unit tests of the families describe a node the way a model would: op
 * type, opset, input element types and shapes (optionally known values or
 * weights), attributes. tn_run() goes through pr_op_run(), the same path
 * inference uses. Shapes are written "1x3x224x224"; "" is a scalar, "?" an
 * unknown rank, "1x?x4" an unknown extent. Value and int lists are written
 * "1,2,-1"; float lists "0.5,2".
 */
#ifndef PR_OPCHECK_H
#define PR_OPCHECK_H

#include <stdbool.h>
#include <string.h>

#include "node.h"

struct tnode;

struct tnode *tn_new(const char *op_type, int opset);       /* default domain */
struct tnode *tn_new_domain(const char *domain, const char *op_type, int opset);
void tn_in(struct tnode *t, int dtype, const char *shape);
void tn_in_weight(struct tnode *t, int dtype, const char *shape);
void tn_in_vals(struct tnode *t, int dtype, const char *shape, const char *vals);
void tn_in_absent(struct tnode *t);
/* An input that is a copy of v (a sequence or optional built by another node). */
void tn_in_tensor(struct tnode *t, const struct pr_tensor *v);
void tn_attr_int(struct tnode *t, const char *name, int64_t v);
void tn_attr_float(struct tnode *t, const char *name, double v);
void tn_attr_str(struct tnode *t, const char *name, const char *v);
void tn_attr_ints(struct tnode *t, const char *name, const char *list);
void tn_attr_floats(struct tnode *t, const char *name, const char *list);
void tn_attr_strs(struct tnode *t, const char *name, const char *list);   /* "a,b,c"; "" empty */
void tn_attr_tensor(struct tnode *t, const char *name, int dtype, const char *shape, const char *vals);

/* Runs shape + cost with nout outputs; returns the enum pr_run value. */
int tn_run(struct tnode *t, int nout);
/* Runs with nout outputs; true when it failed with an error message
 * containing part (else prints what it got and returns false). */
bool tn_fails_with(struct tnode *t, int nout, const char *part);

const struct pr_tensor *tn_out(struct tnode *t, int i);
const char *tn_out_shape(struct tnode *t, int i);   /* "1x64x112x112" */
const char *tn_out_vals(struct tnode *t, int i);    /* "1,2,3" ints; "" when unknown */
const struct pr_cost *tn_cost(struct tnode *t);
const char *tn_error(struct tnode *t);               /* "" when none */
bool tn_incomplete(struct tnode *t);
bool tn_overflow(struct tnode *t);
void tn_free(struct tnode *t);

#endif
