/* kvcache.c -- which inputs of a decoder are its KV cache, and which
 * symbols are its lengths (kvcache.h).
 *
 * Past inputs, in this order of precedence:
 *   1. --kv-inputs GLOB[,GLOB]: the graph inputs whose names match;
 *   2. else the inputs read by the past slots of ONNX Runtime's fused
 *      attention operators (com.microsoft Attention: input 4 "past";
 *      MultiHeadAttention: 6, 7; GroupQueryAttention: 3, 4;
 *      DecoderMaskedMultiHeadAttention: 5, 6; DecoderMaskedSelfAttention:
 *      4), whatever
 *      their names, and the floating inputs of rank >= 3 whose names
 *      contain "past" (Hugging Face Optimum: past_key_values.N.key/.value;
 *      onnxruntime-genai uses the same names with GroupQueryAttention).
 * Present outputs: --kv-outputs, else the outputs written by the present
 * slots of those operators (Attention: 1; the others: 1, 2) and the
 * outputs whose names contain
 * "present". They may be absent (the cache is then sized from the past
 * inputs, llm.c).
 * Symbols (the declared dim_param names):
 *   token input  input_ids, else inputs_embeds, else the first other input
 *                of rank >= 2 with a symbolic dim 1;
 *   batch        the token input's dim 0 symbol (else none: fixed);
 *   past         --past-dim, else the symbol every past input has, other
 *                than the batch (when several, the one naming "past");
 *   new tokens   --seq-dim, else the token input's dim 1 symbol;
 *   total        --total-dim, and every symbol of another input whose name
 *                contains "total" or "+" (Optimum's attention mask is
 *                "past_sequence_length + 1", genai's
 *                "total_sequence_length"): bound to past + new tokens.
 * A bool input "use_cache_branch" (Optimum's merged decoder) is noted: it
 * is false at prefill and true when decoding (llm.c binds it).
 * Shared buffer (ONNX Runtime's past_present_share_buffer): a graph input
 * read by a fused operator's past_sequence_length slot (Attention and
 * DecoderMaskedSelfAttention: 6, MultiHeadAttention: 8,
 * DecoderMaskedMultiHeadAttention: 7) gives the
 * past length as data; the past inputs' length symbol is then the buffer's
 * rows, which llm.c binds to the whole request. When the buffer's rows are
 * a number in the graph (the past inputs have no length symbol), they are
 * the past inputs' second-to-last extent (Attention's past is (2, B, H,
 * rows, d), the others' (B, H, rows, d)) and a request must fit in them.
 * --kv-buffer ROWS says the runtime shares one buffer of ROWS rows
 * (onnxruntime-genai's max_length with past_present_share_buffer, which
 * the graph does not show for GroupQueryAttention): allowed only when
 * every past input is read by GroupQueryAttention or by a fused operator
 * with past_present_share_buffer=1 (else the graph writes a new present
 * each step), and equal to rows fixed in the graph if any. llm.c sizes
 * the cache at ROWS from the start.
 */
#include "kvcache.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

/* The declared symbol of value v's dim k; NULL when it is a size or absent. */
static const char *dim_sym(const struct pr_value *v, int k)
{
    const Onnx__TypeProto *tp = v->declared;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type ||
        !tp->tensor_type->shape || k < 0 || (size_t)k >= tp->tensor_type->shape->n_dim)
        return NULL;
    const Onnx__TensorShapeProto__Dimension *d = tp->tensor_type->shape->dim[k];
    if (!d || d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM || !d->dim_param ||
        !*d->dim_param)
        return NULL;
    return d->dim_param;
}

/* Declared rank of v (-1 unknown) and element type. */
static int decl_rank(const struct pr_value *v, int *dtype)
{
    const Onnx__TypeProto *tp = v->declared;
    *dtype = 0;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
        return -1;
    *dtype = tp->tensor_type->has_elem_type ? tp->tensor_type->elem_type : 0;
    return tp->tensor_type->shape ? (int)tp->tensor_type->shape->n_dim : -1;
}

/* s contains sub, ignoring ASCII case. */
static bool has_ci(const char *s, const char *sub)
{
    size_t n = strlen(sub);
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && tolower((unsigned char)s[i]) == tolower((unsigned char)sub[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* name matches one of the comma-separated globs of pats. */
static bool matches(const char *pats, const char *name)
{
    char buf[256];
    for (const char *p = pats; *p;) {
        size_t n = strcspn(p, ",");
        if (n < sizeof buf) {
            memcpy(buf, p, n);
            buf[n] = 0;
            if (n && fnmatch(buf, name, 0) == 0)
                return true;
        }
        p += n + (p[n] == ',');
    }
    return false;
}

/* The fused attention operators' cache slots: inputs (past) and outputs
 * (present), and the past_sequence_length input of a shared buffer (-1: none). */
struct slots { const char *op; int in[2], nin, out[2], nout, len; };
static const struct slots fused[] = {
    {"Attention", {4, -1}, 1, {1, -1}, 1, 6},
    {"MultiHeadAttention", {6, 7}, 2, {1, 2}, 2, 8},
    {"GroupQueryAttention", {3, 4}, 2, {1, 2}, 2, -1},
    {"DecoderMaskedMultiHeadAttention", {5, 6}, 2, {1, 2}, 2, 7},
    {"DecoderMaskedSelfAttention", {4, -1}, 1, {1, -1}, 1, 6},
};

/* The fused row of node n, or NULL. */
static const struct slots *fused_of(const struct pr_node *n)
{
    if (strcmp(n->domain, "com.microsoft") != 0)
        return NULL;
    for (size_t i = 0; i < sizeof fused / sizeof *fused; i++)
        if (strcmp(n->op_type, fused[i].op) == 0)
            return &fused[i];
    return NULL;
}

static bool in_list(const int *a, int n, int v)
{
    for (int i = 0; i < n; i++)
        if (a[i] == v)
            return true;
    return false;
}

/* Appends to how (truncating). */
static void say(struct pr_kv_layout *kv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct pr_kv_layout *kv, const char *fmt, ...)
{
    size_t used = strlen(kv->how);
    if (used + 1 >= sizeof kv->how)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(kv->how + used, sizeof kv->how - used, fmt, ap);
    va_end(ap);
}

/* "a, b, c" of up to 6 value names into buf. */
static const char *name_list(const struct pr_graph *g, const int *v, int n, char *buf, size_t size)
{
    buf[0] = 0;
    for (int i = 0; i < n && i < 6; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", i ? ", " : "", g->values[v[i]].name);
    }
    if (n > 6) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, ", ... (%d in all)", n);
    }
    return buf;
}

static int fail(struct pr_kv_layout *kv, struct pr_err *err, enum pr_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(struct pr_kv_layout *kv, struct pr_err *err, enum pr_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pr_err_vset(err, code, fmt, ap);
    va_end(ap);
    pr_kv_free(kv);
    return -1;
}

/* Past inputs and present outputs into kv. 0 / -1. */
static int find_cache(const struct pr_model *m, const struct pr_kv_hints *h, struct pr_kv_layout *kv,
                      struct pr_err *err, bool *via_fused, bool *via_gqa)
{
    const struct pr_graph *g = &m->graph;
    kv->past = malloc(((size_t)g->ninputs + 1) * sizeof *kv->past);
    kv->present = malloc(((size_t)g->noutputs + 1) * sizeof *kv->present);
    if (!kv->past || !kv->present)
        return fail(kv, err, PR_E_INTERNAL, "out of memory");
    *via_fused = *via_gqa = false;
    for (int i = 0; i < g->ninputs; i++) {
        int v = g->inputs[i], dtype;
        const char *name = g->values[v].name;
        bool take;
        if (h->kv_inputs) {
            take = matches(h->kv_inputs, name);
        } else {
            take = false;
            for (int j = 0; j < g->nnodes && !take; j++) {
                const struct slots *s = fused_of(&g->nodes[j]);
                for (int k = 0; s && k < s->nin; k++)
                    if (s->in[k] < g->nodes[j].nin && g->nodes[j].in[s->in[k]] == v) {
                        take = *via_fused = true;
                        *via_gqa |= strcmp(s->op, "GroupQueryAttention") == 0;
                    }
            }
            take |= has_ci(name, "past") && decl_rank(&g->values[v], &dtype) >= 3 && pr_dtype_is_float(dtype);
        }
        if (take)
            kv->past[kv->npast++] = v;
    }
    for (int j = 0; j < g->nnodes && !kv->past_len_input; j++) {   /* a shared buffer's past length */
        const struct pr_node *n = &g->nodes[j];
        const struct slots *s = fused_of(n);
        int v = s && s->len >= 0 && s->len < n->nin ? n->in[s->len] : -1;
        if (v >= 0 && g->values[v].is_input)
            kv->past_len_input = g->values[v].name;
    }
    for (int i = 0; i < g->noutputs; i++) {
        int v = g->outputs[i];
        bool take;
        if (h->kv_outputs) {
            take = matches(h->kv_outputs, g->values[v].name);
        } else {
            take = has_ci(g->values[v].name, "present");
            int p = g->values[v].producer;
            const struct slots *s = p >= 0 ? fused_of(&g->nodes[p]) : NULL;
            for (int k = 0; s && k < s->nout; k++)
                take |= s->out[k] < g->nodes[p].nout && g->nodes[p].out[s->out[k]] == v;
        }
        if (take && !in_list(kv->present, kv->npresent, v))
            kv->present[kv->npresent++] = v;
    }
    if (h->kv_inputs && !kv->npast)
        return fail(kv, err, PR_E_ARG, "--kv-inputs %s matches none of the model's %d inputs", h->kv_inputs,
                    g->ninputs);
    if (h->kv_outputs && !kv->npresent)
        return fail(kv, err, PR_E_ARG, "--kv-outputs %s matches none of the model's %d outputs",
                    h->kv_outputs, g->noutputs);
    if (!kv->npast) {
        char buf[400];
        return fail(kv, err, PR_E_MODEL,
                    "no KV-cache inputs found: looked for inputs named *past* (Hugging Face Optimum and "
                    "onnxruntime-genai: past_key_values.N.key/.value) of rank 3 or more, and the past inputs of "
                    "com.microsoft Attention, MultiHeadAttention, GroupQueryAttention and "
                    "DecoderMaskedMultiHeadAttention; the inputs are %s. "
                    "Name the cache inputs with --kv-inputs GLOB (e.g. --kv-inputs 'cache_*'), or export the "
                    "decoder with its past key/value inputs",
                    name_list(g, g->inputs, g->ninputs, buf, sizeof buf));
    }
    return 0;
}

/* The rows of a shared buffer fixed in the graph: the second-to-last
 * declared extent every past input has (0 when one is symbolic, absent or
 * disagrees). */
/* Whether fused node n (fused_of) can write its present into the past's
 * buffer: GroupQueryAttention always (the past's rows may exceed the
 * attended length), the others with past_present_share_buffer = 1. */
static bool can_share(const struct pr_node *n)
{
    if (strcmp(n->op_type, "GroupQueryAttention") == 0)
        return true;
    const Onnx__NodeProto *np = n->proto;
    for (size_t i = 0; np && i < np->n_attribute; i++) {
        const Onnx__AttributeProto *a = np->attribute[i];
        if (a && a->name && strcmp(a->name, "past_present_share_buffer") == 0)
            return a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT && a->i != 0;
    }
    return false;
}

/* The first past input that no fused operator able to share its buffer
 * reads through its past slots, or -1. */
static int unshared_past(const struct pr_graph *g, const struct pr_kv_layout *kv)
{
    for (int i = 0; i < kv->npast; i++) {
        bool read = false;
        for (int j = 0; j < g->nnodes && !read; j++) {
            const struct slots *s = fused_of(&g->nodes[j]);
            for (int k = 0; s && k < s->nin && !read; k++)
                read = s->in[k] < g->nodes[j].nin && g->nodes[j].in[s->in[k]] == kv->past[i] &&
                       can_share(&g->nodes[j]);
        }
        if (!read)
            return kv->past[i];
    }
    return -1;
}

/* --kv-buffer ROWS: the runtime's shared buffer, possible only where the
 * operators reading the past can write into it (can_share); rows fixed in
 * the graph must be the same. 0 / -1 (kv freed). */
static int buffer_option(const struct pr_graph *g, long long rows, struct pr_kv_layout *kv, struct pr_err *err)
{
    int v = unshared_past(g, kv);
    if (v >= 0)
        return fail(kv, err, PR_E_ARG, "--kv-buffer %lld: the past input '%s' is not read by com.microsoft "
                    "GroupQueryAttention, nor by a fused attention operator with past_present_share_buffer=1: "
                    "the graph writes a new present tensor each step (past and new keys joined), so its cache "
                    "cannot be one shared buffer", rows, g->values[v].name);
    if (kv->buffer_rows && kv->buffer_rows != rows)
        return fail(kv, err, PR_E_ARG, "--kv-buffer %lld: the graph fixes the shared buffer at %lld rows (the past "
                    "inputs' length)", rows, (long long)kv->buffer_rows);
    kv->buffer_rows = rows;
    kv->buffer_option = true;
    say(kv, "; shared KV buffer of %lld rows (--kv-buffer): allocated from the start, %s", rows,
        kv->past_len_input ? "the past length given as data" : "the attention reads the valid rows "
        "(seqlens_k), the graph analysed at the past length of each point");
    return 0;
}

static int64_t fixed_rows(const struct pr_graph *g, const struct pr_kv_layout *kv)
{
    int64_t rows = 0;
    for (int i = 0; i < kv->npast; i++) {
        const Onnx__TypeProto *tp = g->values[kv->past[i]].declared;
        int dtype, r = decl_rank(&g->values[kv->past[i]], &dtype);
        if (r < 3)
            return 0;
        const Onnx__TensorShapeProto__Dimension *d = tp->tensor_type->shape->dim[r - 2];
        if (!d || d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE || d->dim_value <= 0 ||
            (rows && d->dim_value != rows))
            return 0;
        rows = d->dim_value;
    }
    return rows;
}

/* The symbols every past input declares, other than skip, into syms. */
static int common_syms(const struct pr_graph *g, const struct pr_kv_layout *kv, const char *skip,
                       const char **syms, int cap)
{
    int n = 0, dtype;
    const struct pr_value *v0 = &g->values[kv->past[0]];
    for (int k = 0; k < decl_rank(v0, &dtype); k++) {
        const char *s = dim_sym(v0, k);
        if (!s || (skip && strcmp(s, skip) == 0))
            continue;
        bool everywhere = true, dup = false;
        for (int j = 0; j < n; j++)
            dup |= strcmp(syms[j], s) == 0;
        for (int i = 1; i < kv->npast && everywhere; i++) {
            const struct pr_value *v = &g->values[kv->past[i]];
            bool found = false;
            for (int q = 0; q < decl_rank(v, &dtype) && !found; q++)
                found = dim_sym(v, q) && strcmp(dim_sym(v, q), s) == 0;
            everywhere = found;
        }
        if (everywhere && !dup && n < cap)
            syms[n++] = s;
    }
    return n;
}

/* Whether value v declares symbol s. */
static bool declares(const struct pr_value *v, const char *s)
{
    int dtype;
    for (int k = 0; k < decl_rank(v, &dtype); k++)
        if (dim_sym(v, k) && strcmp(dim_sym(v, k), s) == 0)
            return true;
    return false;
}

int pr_kv_recognise(const struct pr_model *m, const struct pr_kv_hints *h, struct pr_kv_layout *kv,
                    struct pr_err *err)
{
    memset(kv, 0, sizeof *kv);
    const struct pr_graph *g = &m->graph;
    bool via_fused = false, via_gqa = false;
    if (find_cache(m, h, kv, err, &via_fused, &via_gqa) < 0)
        return -1;
    char buf[400];
    bool optimum = strncmp(g->values[kv->past[0]].name, "past_key_values.", 16) == 0;
    kv->style = h->kv_inputs ? "named" : via_gqa && optimum ? "genai" : via_fused ? "fused" : optimum ? "optimum"
                                                                                                    : "past";
    say(kv, "past inputs (%d): %s (%s); ", kv->npast, name_list(g, kv->past, kv->npast, buf, sizeof buf),
        h->kv_inputs ? "named by --kv-inputs"
        : via_gqa && optimum ? "onnxruntime-genai layout: Optimum names read by com.microsoft GroupQueryAttention"
        : via_fused ? "read by com.microsoft fused attention"
        : optimum ? "Hugging Face Optimum names past_key_values.N.key/.value" : "inputs named *past*");
    if (kv->npresent)
        say(kv, "present outputs (%d): %s; ", kv->npresent,
            name_list(g, kv->present, kv->npresent, buf, sizeof buf));
    else
        say(kv, "no present outputs (the cache is sized from the past inputs); ");
    /* the token input */
    int token = -1, dtype;
    for (int pass = 0; pass < 3 && token < 0; pass++)
        for (int i = 0; i < g->ninputs && token < 0; i++) {
            int v = g->inputs[i];
            if (in_list(kv->past, kv->npast, v))
                continue;
            const char *name = g->values[v].name;
            if ((pass == 0 && strcmp(name, "input_ids") == 0) || (pass == 1 && strcmp(name, "inputs_embeds") == 0) ||
                (pass == 2 && decl_rank(&g->values[v], &dtype) >= 2 && dim_sym(&g->values[v], 1) &&
                 !has_ci(dim_sym(&g->values[v], 1), "total") && !strchr(dim_sym(&g->values[v], 1), '+')))
                token = v;
        }
    if (token >= 0) {
        kv->token_input = g->values[token].name;
        kv->batch_sym = dim_sym(&g->values[token], 0);
    }
    /* the past length */
    const char *cand[16];
    int ncand = common_syms(g, kv, kv->batch_sym, cand, 16);
    if (!kv->batch_sym)   /* no token input: a common "batch" symbol */
        for (int i = 0; i < ncand; i++)
            if (has_ci(cand[i], "batch")) {
                kv->batch_sym = cand[i];
                ncand = common_syms(g, kv, kv->batch_sym, cand, 16);
                break;
            }
    if (h->past_dim) {
        bool ok = true;
        for (int i = 0; i < kv->npast; i++)
            ok &= declares(&g->values[kv->past[i]], h->past_dim);
        if (!ok)
            return fail(kv, err, PR_E_ARG, "--past-dim %s: not a dimension of every past input (%s)",
                        h->past_dim, name_list(g, kv->past, kv->npast, buf, sizeof buf));
        kv->past_sym = h->past_dim;
        say(kv, "past length '%s' (--past-dim); ", kv->past_sym);
    } else {
        int pick = ncand == 1 ? 0 : -1, named = 0;
        for (int i = 0; ncand > 1 && i < ncand; i++)
            if (has_ci(cand[i], "past"))
                pick = i, named++;
        if (named > 1)
            pick = -1;
        if (pick < 0 && !ncand && kv->past_len_input && (kv->buffer_rows = fixed_rows(g, kv)) > 0) {
            say(kv, "past length from %s (a shared KV buffer of %lld rows fixed in the graph); ",
                kv->past_len_input, (long long)kv->buffer_rows);
        } else if (pick < 0) {
            char list[300] = "";
            for (int i = 0; i < ncand; i++) {
                size_t used = strlen(list);
                snprintf(list + used, sizeof list - used, "%s'%s'", i ? ", " : "", cand[i]);
            }
            return fail(kv, err, PR_E_MODEL,
                        "the past inputs (%s) have %s symbolic dimension besides the batch%s%s: name the past "
                        "length with --past-dim SYMBOL%s",
                        name_list(g, kv->past, kv->npast, buf, sizeof buf), ncand ? "more than one" : "no",
                        ncand ? ": " : "", list,
                        ncand ? "" : " (a decoder exported with fixed shapes cannot be swept: re-export it with "
                                     "dynamic axes)");
        } else {
            kv->past_sym = cand[pick];
            say(kv, "past length '%s' (the symbol every past input has%s); ", kv->past_sym,
                kv->batch_sym ? ", besides the batch" : "");
        }
    }
    /* the new tokens */
    if (h->seq_dim) {
        bool found = false;
        for (int i = 0; i < g->ninputs && !found; i++)
            found = !in_list(kv->past, kv->npast, g->inputs[i]) && declares(&g->values[g->inputs[i]], h->seq_dim);
        if (!found)
            return fail(kv, err, PR_E_ARG, "--seq-dim %s: not a dimension of the model's inputs (other than "
                        "the past)", h->seq_dim);
        kv->seq_sym = h->seq_dim;
        say(kv, "new tokens '%s' (--seq-dim); ", kv->seq_sym);
    } else {
        const char *s = token >= 0 ? dim_sym(&g->values[token], 1) : NULL;
        if (!s || (kv->past_sym && strcmp(s, kv->past_sym) == 0) || (kv->batch_sym && strcmp(s, kv->batch_sym) == 0))
            return fail(kv, err, PR_E_MODEL,
                        "no symbol for the number of new tokens: looked for dim 1 of input_ids, inputs_embeds or "
                        "another input of rank 2 or more%s%s; name it with --seq-dim SYMBOL",
                        token >= 0 ? ", found " : "", token >= 0 ? g->values[token].name : "");
        kv->seq_sym = s;
        say(kv, "new tokens '%s' (dim 1 of %s); ", kv->seq_sym, g->values[token].name);
    }
    if (kv->batch_sym)
        say(kv, "batch '%s'", kv->batch_sym);
    else
        say(kv, "batch fixed in the graph");
    /* total lengths: the user's, then the named ones */
    if (h->total_dims)
        for (const char *p = h->total_dims; *p && kv->ntotal < PR_KV_MAX_TOTAL;) {
            size_t n = strcspn(p, ",");
            for (int i = 0; i < g->nvalues && n; i++) {   /* point at the model's own copy of the name */
                const struct pr_value *v = &g->values[i];
                for (int k = 0; v->is_input && k < decl_rank(v, &dtype); k++) {
                    const char *s = dim_sym(v, k);
                    if (s && strlen(s) == n && strncmp(s, p, n) == 0) {
                        bool dup = false;
                        for (int j = 0; j < kv->ntotal; j++)
                            dup |= strcmp(kv->total_sym[j], s) == 0;
                        if (!dup)
                            kv->total_sym[kv->ntotal++] = s;
                    }
                }
            }
            p += n + (p[n] == ',');
        }
    for (int i = 0; i < g->ninputs; i++) {
        const struct pr_value *v = &g->values[g->inputs[i]];
        if (in_list(kv->past, kv->npast, g->inputs[i]))
            continue;
        if (strcmp(v->name, "use_cache_branch") == 0 && decl_rank(v, &dtype) >= 0 && dtype == PR_DT_BOOL)
            kv->cache_flag = v->name;
        for (int k = 0; k < decl_rank(v, &dtype); k++) {
            const char *s = dim_sym(v, k);
            if (!s || (kv->past_sym && strcmp(s, kv->past_sym) == 0) || strcmp(s, kv->seq_sym) == 0 ||
                (kv->batch_sym && strcmp(s, kv->batch_sym) == 0) || (!has_ci(s, "total") && !strchr(s, '+')))
                continue;
            bool dup = false;
            for (int j = 0; j < kv->ntotal; j++)
                dup |= strcmp(kv->total_sym[j], s) == 0;
            if (!dup && kv->ntotal < PR_KV_MAX_TOTAL)
                kv->total_sym[kv->ntotal++] = s;
        }
    }
    for (int i = 0; i < kv->ntotal; i++)
        say(kv, "%s'%s'", i ? ", " : "; past + new tokens: ", kv->total_sym[i]);
    if (kv->cache_flag)
        say(kv, "; %s: false at prefill, true when decoding", kv->cache_flag);
    if (kv->past_len_input && kv->past_sym)
        say(kv, "; shared KV buffer (ONNX Runtime's past_present_share_buffer): %s gives the past length as data, "
            "'%s' is the buffer's rows, %s", kv->past_len_input, kv->past_sym,
            h->buffer_rows > 0 ? "--kv-buffer's" : "the whole request from the start");
    else if (kv->past_len_input)
        say(kv, "; shared KV buffer (ONNX Runtime's past_present_share_buffer): %s gives the past length as data, "
            "the buffer's %lld rows are allocated from the start", kv->past_len_input, (long long)kv->buffer_rows);
    if (h->total_dims && !kv->ntotal)
        return fail(kv, err, PR_E_ARG, "--total-dim %s: not a dimension of the model's inputs", h->total_dims);
    if (h->buffer_rows > 0 && buffer_option(g, h->buffer_rows, kv, err) < 0)
        return -1;
    return 0;
}

void pr_kv_free(struct pr_kv_layout *kv)
{
    free(kv->past);
    free(kv->present);
    kv->past = kv->present = NULL;
    kv->npast = kv->npresent = 0;
}
