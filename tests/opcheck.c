/* opcheck.c -- hand-built nodes for unit tests (see opcheck.h). The node's
 * attributes are real protobuf-c AttributeProto structs, so the accessors
 * under test are the ones inference uses. */
#include "opcheck.h"

#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "err.h"
#include "model.h"
#include "onnx.pb-c.h"
#include "tensor.h"

enum { TN_MAX_ATTR = 32 };

struct tnode {
    struct pr_arena arena;
    struct pr_diag diag;
    Onnx__NodeProto proto;
    Onnx__AttributeProto *attr_ptr[TN_MAX_ATTR];
    Onnx__AttributeProto attr[TN_MAX_ATTR];
    struct pr_node node;
    struct pr_tensor in[PR_MAX_IO], out[PR_MAX_IO], scratch;
    bool present[PR_MAX_IO];
    int nin;
    struct pr_op_ctx ctx;
    struct pr_cost cost;
    char err[PR_ERR_MSG];
    char buf[4][512];
};

struct tnode *tn_new_domain(const char *domain, const char *op_type, int opset)
{
    struct tnode *t = calloc(1, sizeof *t);
    if (!t)
        abort();
    pr_arena_init(&t->arena);
    pr_diag_init(&t->diag);
    onnx__node_proto__init(&t->proto);
    t->proto.attribute = t->attr_ptr;
    t->proto.op_type = pr_arena_strdup(&t->arena, op_type);
    t->proto.domain = pr_arena_strdup(&t->arena, domain);
    t->node.name = "test";
    t->node.op_type = t->proto.op_type;
    t->node.domain = t->proto.domain;
    t->node.proto = &t->proto;
    t->node.opset = opset;
    t->node.op = pr_op_find(domain, op_type);
    return t;
}

struct tnode *tn_new(const char *op_type, int opset)
{
    return tn_new_domain("", op_type, opset);
}

static void parse_shape(const char *s, struct pr_shape *sh)
{
    if (strcmp(s, "?") == 0) {
        sh->rank = -1;
        return;
    }
    sh->rank = 0;
    while (*s) {
        if (*s == '?') {
            sh->dim[sh->rank++] = -1;
            s++;
        } else {
            char *end;
            sh->dim[sh->rank++] = strtoll(s, &end, 10);
            s = end;
        }
        if (*s == 'x')
            s++;
    }
}

static int parse_list(const char *s, double *vals, int cap)
{
    int n = 0;
    while (*s && n < cap) {
        char *end;
        vals[n++] = strtod(s, &end);
        if (end == s)
            break;
        s = end;
        while (*s == ',' || *s == ' ')
            s++;
    }
    return n;
}

static struct pr_tensor *next_in(struct tnode *t)
{
    if (t->nin >= PR_MAX_IO)
        abort();
    t->present[t->nin] = true;
    return &t->in[t->nin++];
}

void tn_in(struct tnode *t, int dtype, const char *shape)
{
    struct pr_tensor *x = next_in(t);
    x->dtype = dtype;
    parse_shape(shape, &x->shape);
}

void tn_in_tensor(struct tnode *t, const struct pr_tensor *v)
{
    *next_in(t) = *v;
}

void tn_in_weight(struct tnode *t, int dtype, const char *shape)
{
    tn_in(t, dtype, shape);
    t->in[t->nin - 1].is_weight = true;
}

static struct pr_const *make_const(struct tnode *t, const char *vals)
{
    double v[PR_CONST_MAX];
    int n = parse_list(vals, v, PR_CONST_MAX);
    struct pr_const *c = pr_const_alloc(&t->arena, n);
    for (int i = 0; i < n; i++) {
        c->f[i] = v[i];
        c->i[i] = pr_double_to_i64(v[i]);
    }
    return c;
}

void tn_in_vals(struct tnode *t, int dtype, const char *shape, const char *vals)
{
    tn_in(t, dtype, shape);
    t->in[t->nin - 1].cval = make_const(t, vals);
}

void tn_in_absent(struct tnode *t)
{
    if (t->nin >= PR_MAX_IO)
        abort();
    t->present[t->nin++] = false;
}

static Onnx__AttributeProto *new_attr(struct tnode *t, const char *name,
                                      Onnx__AttributeProto__AttributeType type)
{
    if (t->proto.n_attribute >= TN_MAX_ATTR)
        abort();
    Onnx__AttributeProto *a = &t->attr[t->proto.n_attribute];
    onnx__attribute_proto__init(a);
    a->name = pr_arena_strdup(&t->arena, name);
    a->has_type = 1;
    a->type = type;
    t->attr_ptr[t->proto.n_attribute++] = a;
    return a;
}

void tn_attr_int(struct tnode *t, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = new_attr(t, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = v;
}

void tn_attr_float(struct tnode *t, const char *name, double v)
{
    Onnx__AttributeProto *a = new_attr(t, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = (float)v;
}

void tn_attr_str(struct tnode *t, const char *name, const char *v)
{
    Onnx__AttributeProto *a = new_attr(t, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    a->has_s = 1;
    a->s.data = (uint8_t *)pr_arena_strdup(&t->arena, v);
    a->s.len = strlen(v);
}

void tn_attr_ints(struct tnode *t, const char *name, const char *list)
{
    Onnx__AttributeProto *a = new_attr(t, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    double v[256];
    int n = parse_list(list, v, 256);
    a->ints = pr_arena_calloc(&t->arena, (size_t)n + 1, sizeof *a->ints);
    for (int i = 0; i < n; i++)
        a->ints[i] = (int64_t)v[i];
    a->n_ints = (size_t)n;
}

void tn_attr_floats(struct tnode *t, const char *name, const char *list)
{
    Onnx__AttributeProto *a = new_attr(t, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    double v[256];
    int n = parse_list(list, v, 256);
    a->floats = pr_arena_calloc(&t->arena, (size_t)n + 1, sizeof *a->floats);
    for (int i = 0; i < n; i++)
        a->floats[i] = (float)v[i];
    a->n_floats = (size_t)n;
}

void tn_attr_strs(struct tnode *t, const char *name, const char *list)
{
    Onnx__AttributeProto *a = new_attr(t, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS);
    size_t n = *list ? 1 : 0;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    a->strings = pr_arena_calloc(&t->arena, n + 1, sizeof *a->strings);
    const char *p = list;
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(p, ",");
        char *s = pr_arena_strdup(&t->arena, p);
        s[len] = 0;
        a->strings[i].data = (uint8_t *)s;
        a->strings[i].len = len;
        p += len + (p[len] == ',');
    }
    a->n_strings = n;
}

void tn_attr_tensor(struct tnode *t, const char *name, int dtype, const char *shape, const char *vals)
{
    Onnx__AttributeProto *a = new_attr(t, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
    Onnx__TensorProto *tp = pr_arena_calloc(&t->arena, 1, sizeof *tp);
    onnx__tensor_proto__init(tp);
    struct pr_shape sh;
    parse_shape(shape, &sh);
    tp->n_dims = (size_t)sh.rank;
    tp->dims = pr_arena_calloc(&t->arena, (size_t)sh.rank + 1, sizeof *tp->dims);
    for (int i = 0; i < sh.rank; i++)
        tp->dims[i] = sh.dim[i];
    tp->has_data_type = 1;
    tp->data_type = dtype;
    double v[PR_CONST_MAX];
    int n = parse_list(vals, v, PR_CONST_MAX);
    if (dtype == PR_DT_FLOAT) {
        tp->float_data = pr_arena_calloc(&t->arena, (size_t)n + 1, sizeof(float));
        for (int i = 0; i < n; i++)
            tp->float_data[i] = (float)v[i];
        tp->n_float_data = (size_t)n;
    } else if (dtype == PR_DT_INT64) {
        tp->int64_data = pr_arena_calloc(&t->arena, (size_t)n + 1, sizeof(int64_t));
        for (int i = 0; i < n; i++)
            tp->int64_data[i] = (int64_t)v[i];
        tp->n_int64_data = (size_t)n;
    } else if (dtype == PR_DT_DOUBLE) {
        tp->double_data = pr_arena_calloc(&t->arena, (size_t)n + 1, sizeof(double));
        for (int i = 0; i < n; i++)
            tp->double_data[i] = v[i];
        tp->n_double_data = (size_t)n;
    } else {
        tp->int32_data = pr_arena_calloc(&t->arena, (size_t)n + 1, sizeof(int32_t));
        for (int i = 0; i < n; i++)
            tp->int32_data[i] = (int32_t)v[i];
        tp->n_int32_data = (size_t)n;
    }
    a->t = tp;
}

int tn_run(struct tnode *t, int nout)
{
    struct pr_op_ctx *c = &t->ctx;
    memset(c, 0, sizeof *c);
    t->err[0] = 0;
    if (!t->node.op) {
        snprintf(t->err, sizeof t->err, "no operator row for '%s'", t->node.op_type);
        return PR_RUN_ERROR;
    }
    c->node = &t->node;
    c->op_id = (int)(t->node.op - pr_op_table);
    c->opset = t->node.opset;
    c->nin = t->nin;
    c->nout = nout;
    for (int i = 0; i < PR_MAX_IO; i++) {
        c->in[i] = i < t->nin && t->present[i] ? &t->in[i] : NULL;
        memset(&t->out[i], 0, sizeof t->out[i]);
        t->out[i].shape.rank = -1;
        c->out[i] = i < nout ? &t->out[i] : &t->scratch;
    }
    c->arena = &t->arena;
    c->diag = &t->diag;
    c->err = t->err;
    return pr_op_run(t->node.op, c, &t->cost);
}

bool tn_fails_with(struct tnode *t, int nout, const char *part)
{
    int rc = tn_run(t, nout);
    if (rc != PR_RUN_ERROR || !strstr(t->err, part)) {
        fprintf(stderr, "  got rc %d, error '%s'; wanted '%s'\n", rc, t->err, part);
        return false;
    }
    return true;
}

const struct pr_tensor *tn_out(struct tnode *t, int i) { return &t->out[i]; }
const struct pr_cost *tn_cost(struct tnode *t) { return &t->cost; }
const char *tn_error(struct tnode *t) { return t->err; }
bool tn_incomplete(struct tnode *t) { return t->ctx.incomplete; }
bool tn_overflow(struct tnode *t) { return t->ctx.overflow; }

const char *tn_out_shape(struct tnode *t, int i)
{
    const struct pr_shape *s = &t->out[i].shape;
    char *b = t->buf[i & 3];
    if (s->rank < 0)
        return "?";
    b[0] = 0;
    for (int k = 0; k < s->rank; k++) {
        size_t len = strlen(b);
        if (s->dim[k] < 0)
            snprintf(b + len, 512 - len, "%s?", k ? "x" : "");
        else
            snprintf(b + len, 512 - len, "%s%lld", k ? "x" : "", (long long)s->dim[k]);
    }
    return b;
}

const char *tn_out_vals(struct tnode *t, int i)
{
    const struct pr_const *c = pr_const_values(t->out[i].cval);
    char *b = t->buf[(i + 2) & 3];
    b[0] = 0;
    if (!c)
        return b;
    for (int64_t k = 0; k < c->n; k++) {
        size_t len = strlen(b);
        if (len > 480)
            break;
        snprintf(b + len, 512 - len, "%s%lld", k ? "," : "", (long long)c->i[k]);
    }
    return b;
}

void tn_free(struct tnode *t)
{
    pr_arena_free(&t->arena);
    pr_diag_free(&t->diag);
    free(t);
}
