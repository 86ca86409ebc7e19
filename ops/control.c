/* control.c -- control flow: If, Loop, Scan, SequenceMap.
 *
 * Each runs its subgraphs (pr_subgraph_run) with the types of its inputs;
 * every node inside becomes a row nested under this node's row. The node
 * itself costs nothing (MACs = FLOPs = 0, no parameters of its own); its
 * row reports what its subgraph runs add to the totals:
 *
 *   If           a known condition (a constant, folded, or an input bound
 *                with --value) picks its branch: only that one is analysed
 *                and counted, the other is shown as not taken. An unknown
 *                condition is an assumption: both branches run under it (a
 *                node that fails inside is a warning, not an error); the
 *                costlier branch (by MACs, then FLOPs) is counted and the
 *                other shown; a failing branch is shown and the other one
 *                counted; both failing leave the outputs unknown. Outputs:
 *                the counted branch's, else what both branches agree on.
 *   Loop         body cost x trips. trips = M when M is a known constant
 *                other than INT64_MAX and the body's condition is constantly
 *                true (or the loop has no condition input); 0 when the
 *                initial condition is false; when every iteration's
 *                condition folds from known values (a counter compared with
 *                a constant: torch.jit.script's `while i < n`), the
 *                iterations run until it is false or M is reached, found by
 *                running the body uncounted (at most PR_UNROLL_MAX);
 *                otherwise it is a while-loop and the data decides: the
 *                symbol "<node>.trips" (--dim), unbound one iteration
 *                counted and the counts marked as lower bounds (an
 *                assumption, named in a warning).
 *                Up to PR_UNROLL_MAX known trips the body runs once per
 *                iteration with the iteration number known (shapes that grow
 *                with it stay exact); beyond that it runs once with the
 *                number unknown and loop-carried types widened until they
 *                are stable (at most PR_WIDEN passes), counted trips times.
 *                Outputs: the final loop-carried values, then the scan
 *                outputs with a leading [trips] axis.
 *   Scan         body cost x sequence length (x batch in the opset-8 form,
 *                whose inputs carry a leading batch axis and an optional
 *                sequence_lens input). Scan inputs are sliced along
 *                scan_input_axes (opset 8: axis 1); scan outputs get the
 *                length inserted at scan_output_axes (default 0; opset 8:
 *                after the batch axis).
 *   SequenceMap  the body runs once per element of the input sequence (each
 *                element's shape when known), or once counted length times.
 */
#include <stdlib.h>
#include <string.h>

#include "families.h"
#include "seq.h"
#include "values.h"

enum { PR_UNROLL_MAX = 64, PR_WIDEN = 4 };

static void add_cost(struct pr_op_ctx *c, const struct pr_sub_cost *e, uint64_t times)
{
    struct pr_sub_cost *s = &c->sub;
    s->macs = pr_add(c, s->macs, pr_mul(c, e->macs, times));
    s->flops = pr_add(c, s->flops, pr_mul(c, e->flops, times));
    s->activation_bytes = pr_add(c, s->activation_bytes, pr_mul(c, e->activation_bytes, times));
    s->bytes_read = pr_add(c, s->bytes_read, pr_mul(c, e->bytes_read, times));
    s->bytes_written = pr_add(c, s->bytes_written, pr_mul(c, e->bytes_written, times));
    if (e->params > s->params)
        s->params = e->params;   /* the same weights every time */
    if (e->peak_bytes > s->peak_bytes)
        s->peak_bytes = e->peak_bytes;
    s->incomplete |= e->incomplete;
}

/* Tensor arrays too large for the stack (PR_MAX_IO entries). */
static struct pr_tensor *types_new(struct pr_op_ctx *c, int n)
{
    struct pr_tensor *t = calloc((size_t)n + 1, sizeof *t);
    if (!t)
        pr_op_error(c, "out of memory");
    for (int i = 0; t && i <= n; i++)
        pr_type_unknown(&t[i]);
    return t;
}

static int find_body(struct pr_op_ctx *c, const char *attr)
{
    int s = pr_subgraph_find(c, attr);
    if (s < 0 && !c->failed)
        pr_op_error(c, "the graph attribute '%s' is missing", attr);
    return s;
}

/* Known boolean value of t: 1, 0, or -1 unknown. */
static int known_bool(const struct pr_tensor *t)
{
    const struct pr_const *v = t && t->kind == PR_KIND_TENSOR ? pr_values_of(t) : NULL;
    return v && v->n == 1 ? v->i[0] != 0 : -1;
}

/* ---- If ---- */

int if_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    int then_g = find_body(c, "then_branch");
    int else_g = then_g < 0 ? -1 : find_body(c, "else_branch");
    if (then_g < 0 || else_g < 0)
        return -1;
    int tin, tout, ein, eout;
    pr_subgraph_arity(c, then_g, &tin, &tout);
    pr_subgraph_arity(c, else_g, &ein, &eout);
    if (tout != eout)
        return pr_op_error(c, "then_branch has %d outputs but else_branch has %d; both must have one per output of the node (%d)",
                           tout, eout, c->nout);
    if (tout != c->nout)
        return pr_op_error(c, "its branches have %d outputs but the node has %d", tout, c->nout);
    struct pr_tensor *to = types_new(c, tout), *eo = types_new(c, tout);
    int rc = -1;
    struct pr_sub_cost tc, ec;
    if (!to || !eo)
        goto out;
    int cond = known_bool(pr_input(c, 0));
    if (cond >= 0) {   /* only the taken branch is analysed */
        int taken = cond ? then_g : else_g;
        if (pr_subgraph_run(c, taken, NULL, to, 1, &tc) < 0)
            goto out;
        pr_subgraph_skip(c, cond ? else_g : then_g);
        add_cost(c, &tc, 1);
        for (int i = 0; i < c->nout; i++)
            *c->out[i] = to[i];
        rc = 0;
        goto out;
    }
    /* unknown condition: both branches, under that assumption */
    int tfail, efail;
    if (pr_subgraph_run_assumed(c, then_g, NULL, to, 1, &tc, &tfail) < 0 ||
        pr_subgraph_run_assumed(c, else_g, NULL, eo, 1, &ec, &efail) < 0)
        goto out;
    if (tfail && efail) {
        pr_op_warn(c, "both branches fail under priori's assumptions (see the warnings above): its outputs are unknown");
        pr_subgraph_discard(c, then_g);
        pr_subgraph_discard(c, else_g);
        rc = 0;   /* outputs unknown: the row says so */
        goto out;
    }
    bool take_then = tfail || efail ? efail > 0
                                    : tc.macs > ec.macs || (tc.macs == ec.macs && tc.flops >= ec.flops);
    if (tfail || efail)
        pr_op_warn(c, "%s fails under priori's assumptions (the condition is unknown): %s is counted",
                   tfail ? "then_branch" : "else_branch", tfail ? "else_branch" : "then_branch");
    pr_subgraph_discard(c, take_then ? else_g : then_g);
    add_cost(c, take_then ? &tc : &ec, 1);
    for (int i = 0; i < c->nout; i++) {
        if (tfail || efail)
            *c->out[i] = take_then ? to[i] : eo[i];
        else
            pr_type_merge(&to[i], &eo[i], c->out[i]);
    }
    rc = 0;
out:
    free(to);
    free(eo);
    return rc;
}

/* ---- Loop ---- */

static int iteration_number(struct pr_op_ctx *c, struct pr_tensor *t, int64_t i)
{
    pr_type_unknown(t);
    t->dtype = PR_DT_INT64;
    t->shape.rank = 0;
    if (i < 0)
        return 0;
    if (!(t->cval = pr_const_int(c, i)))
        return -1;
    return 0;
}

/* The trip count of a loop whose condition the known values decide: the
 * body runs uncounted with each iteration's number and carried values from
 * start (iteration number, condition, carried values; bin of them) until
 * the condition is known false or M (m >= 0) is reached. Returns the
 * iterations, -1 when a condition is unknown or more than PR_UNROLL_MAX
 * would run, -2 after an error (recorded). */
static int64_t folded_trips(struct pr_op_ctx *c, int body, const struct pr_tensor *start, int bin, int bout,
                            int64_t m)
{
    struct pr_tensor *st = types_new(c, bin), *out = types_new(c, bout);
    const struct pr_tensor **in = calloc((size_t)bin + 1, sizeof *in);
    int64_t trips = -2;
    if (!st || !out || !in) {
        pr_op_error(c, "out of memory");
        goto out;
    }
    for (int i = 0; i < bin; i++) {
        st[i] = start[i];
        in[i] = &st[i];
    }
    struct pr_sub_cost cost;
    for (int64_t it = 0;; it++) {
        int cond = known_bool(&st[1]);
        if ((m >= 0 && it >= m) || cond == 0) {
            trips = it;
            break;
        }
        if (cond < 0 || it >= PR_UNROLL_MAX) {
            trips = -1;
            break;
        }
        if (iteration_number(c, &st[0], it) < 0 || pr_subgraph_run(c, body, in, out, 0, &cost) < 0)
            goto out;
        for (int i = 1; i < bin; i++)   /* condition and carried values for the next iteration */
            st[i] = out[i - 1];
    }
out:
    free(st);
    free(out);
    free(in);
    return trips;
}

/* Scan output k of a loop: [trips] + the per-iteration shape. */
static int stack_output(struct pr_op_ctx *c, struct pr_tensor *o, const struct pr_tensor *each, int64_t trips)
{
    pr_type_unknown(o);
    o->dtype = each->dtype;
    if (each->kind != PR_KIND_TENSOR)
        return pr_op_error(c, "a scan output of the body must be a tensor");
    if (each->shape.rank < 0)
        return 0;
    if (each->shape.rank + 1 > PR_MAX_RANK)
        return pr_op_error(c, "a scan output would have rank %d; at most %d is supported", each->shape.rank + 1,
                           PR_MAX_RANK);
    o->shape.rank = each->shape.rank + 1;
    o->shape.dim[0] = trips;
    memcpy(&o->shape.dim[1], each->shape.dim, (size_t)each->shape.rank * sizeof o->shape.dim[0]);
    return 0;
}

int loop_shape(struct pr_op_ctx *c)
{
    int body = find_body(c, "body");
    if (body < 0)
        return -1;
    if (c->nin < 2)
        return pr_op_error(c, "has %d inputs; a Loop takes M, cond and the loop-carried values (M and cond may be empty)",
                           c->nin);
    int carried = c->nin - 2, bin, bout;
    pr_subgraph_arity(c, body, &bin, &bout);
    if (bin != 2 + carried)
        return pr_op_error(c, "its body has %d inputs; with %d loop-carried values it needs %d (iteration number, condition, values)",
                           bin, carried, 2 + carried);
    int scans = bout - 1 - carried;
    if (scans < 0 || c->nout != carried + scans)
        return pr_op_error(c, "its body has %d outputs and the node %d; the body needs 1 + %d + (one per scan output) = %d",
                           bout, c->nout, carried, 1 + c->nout);
    const struct pr_tensor *m_in = pr_input(c, 0), *cond_in = pr_input(c, 1);
    const struct pr_const *mv = m_in ? pr_values_of(m_in) : NULL;
    /* INT64_MAX is how exporters write "no limit" (a while-loop) */
    int64_t m = mv && mv->n == 1 && mv->i[0] != INT64_MAX ? (mv->i[0] < 0 ? 0 : mv->i[0]) : -1;
    int cond0 = cond_in ? known_bool(cond_in) : 1;

    struct pr_tensor *state = types_new(c, bin), *out = types_new(c, bout), *scan_t = types_new(c, scans);
    const struct pr_tensor **in = calloc((size_t)bin + 1, sizeof *in);
    int rc = -1;
    if (!state || !out || !scan_t || !in) {
        pr_op_error(c, "out of memory");
        goto out;
    }
    for (int i = 0; i < bin; i++)
        in[i] = &state[i];
    /* state: iteration number, condition, loop-carried values */
    if (iteration_number(c, &state[0], -1) < 0)
        goto out;
    if (cond_in)
        state[1] = *cond_in;
    else {
        pr_type_unknown(&state[1]);
        state[1].dtype = PR_DT_BOOL;
        state[1].shape.rank = 0;
    }
    for (int i = 0; i < carried; i++) {
        if (pr_input(c, 2 + i))
            state[2 + i] = *pr_input(c, 2 + i);
        state[2 + i].is_weight = false;
        state[2 + i].from_weights = false;
    }
    /* a trial run: does the body keep the condition constant? */
    struct pr_sub_cost cost;
    if (pr_subgraph_run(c, body, in, out, 0, &cost) < 0)
        goto out;
    int64_t trips = -1;
    if (cond0 == 0)
        trips = 0;
    else if (m >= 0 && (!cond_in || known_bool(&out[0]) == 1))
        trips = m;
    else if (cond_in && cond0 == 1 && (trips = folded_trips(c, body, state, bin, bout, m)) < -1)
        goto out;
    if (trips < 0)   /* a while-loop: the data decides when it stops */
        trips = pr_data_dim(c, "trips", -1,
                            m_in && !mv ? "the trip count M, not a known constant (one iteration counted: the counts are lower bounds;"
                                          " an M that is a graph input is also bound by --value)"
                                        : "the trip count of a while-loop (one iteration counted: the counts are lower bounds)");
    bool unroll = trips >= 0 && trips <= PR_UNROLL_MAX;
    if (unroll) {
        for (int64_t it = 0; it < trips; it++) {
            if (iteration_number(c, &state[0], it) < 0 || pr_subgraph_run(c, body, in, out, 1, &cost) < 0)
                goto out;
            add_cost(c, &cost, 1);
            for (int i = 0; i < 1 + carried; i++)
                state[1 + i] = out[i];
            for (int k = 0; k < scans; k++) {
                if (it == 0)
                    scan_t[k] = out[1 + carried + k];
                else
                    pr_type_merge(&scan_t[k], &out[1 + carried + k], &scan_t[k]);
            }
        }
        if (trips == 0)
            for (int k = 0; k < scans; k++)
                scan_t[k] = out[1 + carried + k];   /* from the trial: types only */
    } else {
        /* widen loop-carried types until one iteration keeps them */
        for (int pass = 0; pass < PR_WIDEN; pass++) {
            bool stable = true;
            for (int i = 0; i < carried; i++)
                if (!pr_type_equal(&state[2 + i], &out[1 + i])) {
                    stable = false;
                    pr_type_merge(&state[2 + i], &out[1 + i], &state[2 + i]);
                }
            if (stable)
                break;
            if (pr_subgraph_run(c, body, in, out, 0, &cost) < 0)
                goto out;
        }
        uint64_t times = trips > 0 ? (uint64_t)trips : 1;
        if (pr_subgraph_run(c, body, in, out, times, &cost) < 0)
            goto out;
        add_cost(c, &cost, times);
        if (trips < 0)
            c->incomplete = true;
        for (int i = 0; i < carried; i++)
            pr_type_merge(&state[2 + i], &out[1 + i], &state[2 + i]);
        for (int k = 0; k < scans; k++)
            scan_t[k] = out[1 + carried + k];
    }
    for (int i = 0; i < carried; i++) {
        *c->out[i] = state[2 + i];
        c->out[i]->is_weight = false;
        c->out[i]->from_weights = false;
    }
    for (int k = 0; k < scans; k++)
        if (stack_output(c, c->out[carried + k], &scan_t[k], trips) < 0)
            goto out;
    rc = 0;
out:
    free(state);
    free(out);
    free(scan_t);
    free(in);
    return rc;
}

/* ---- Scan ---- */

int scan_shape(struct pr_op_ctx *c)
{
    int body = find_body(c, "body");
    if (body < 0)
        return -1;
    bool v8 = c->opset < 9;
    int64_t nscan = pr_attr_int(c, "num_scan_inputs", -1);
    int first = v8 ? 1 : 0;                     /* opset 8: sequence_lens comes first */
    int ninputs = c->nin - first;
    if (nscan < 1 || nscan > ninputs)
        return pr_op_error(c, "num_scan_inputs is %lld; it must be in [1, %d] (the node's %s inputs)",
                           (long long)nscan, ninputs, v8 ? "state and scan" : "");
    int nstate = ninputs - (int)nscan, bin, bout;
    pr_subgraph_arity(c, body, &bin, &bout);
    if (bin != ninputs)
        return pr_op_error(c, "its body has %d inputs; it needs one per state and scan input (%d)", bin, ninputs);
    if (bout != c->nout || bout < nstate)
        return pr_op_error(c, "its body has %d outputs but the node has %d; they must match (%d states first)",
                           bout, c->nout, nstate);
    int nscan_out = bout - nstate;
    int64_t in_axes[PR_MAX_IO], out_axes[PR_MAX_IO];
    for (int i = 0; i < nscan; i++)
        in_axes[i] = v8 ? 1 : 0;
    for (int k = 0; k < nscan_out; k++)
        out_axes[k] = v8 ? 1 : 0;
    if (!v8) {
        int n = pr_attr_ints(c, "scan_input_axes", in_axes, PR_MAX_IO);
        if (n >= 0 && n != nscan)
            return pr_op_error(c, "scan_input_axes has %d entries; it needs one per scan input (%lld)", n, (long long)nscan);
        n = pr_attr_ints(c, "scan_output_axes", out_axes, PR_MAX_IO);
        if (n >= 0 && n != nscan_out)
            return pr_op_error(c, "scan_output_axes has %d entries; it needs one per scan output (%d)", n, nscan_out);
    }
    if (c->failed)
        return -1;
    int64_t len = -2, batch = 1;
    struct pr_tensor *slices = types_new(c, bin), *out = types_new(c, bout);
    const struct pr_tensor **in = calloc((size_t)bin + 1, sizeof *in);
    int rc = -1;
    if (!slices || !out || !in) {
        pr_op_error(c, "out of memory");
        goto out;
    }
    for (int i = 0; i < ninputs; i++) {
        const struct pr_tensor *t = pr_input(c, first + i);
        in[i] = &slices[i];
        if (!t)
            continue;
        slices[i] = *t;
        slices[i].is_weight = false;
        slices[i].from_weights = false;
        slices[i].cval = NULL;
        struct pr_shape *s = &slices[i].shape;
        if (s->rank < 0)
            continue;
        if (v8) {   /* drop the batch axis */
            if (s->rank < 1) {
                pr_op_error(c, "input %d needs a batch axis", first + i);
                goto out;
            }
            batch = s->dim[0] >= 0 && batch >= 0 ? s->dim[0] : -1;
            memmove(&s->dim[0], &s->dim[1], (size_t)(s->rank - 1) * sizeof s->dim[0]);
            s->rank--;
        }
        if (i < nstate)
            continue;
        int ax = pr_axis(in_axes[i - nstate] - (v8 ? 1 : 0), s->rank);
        if (ax < 0) {
            pr_op_error(c, "scan input %d: axis %lld is out of range for rank %d", i - nstate,
                        (long long)in_axes[i - nstate], s->rank + (v8 ? 1 : 0));
            goto out;
        }
        int64_t d = s->dim[ax];
        if (len == -2 || len == -1)
            len = d;
        else if (d >= 0 && d != len) {
            pr_op_error(c, "scan inputs have lengths %lld and %lld along their scan axes; they must agree",
                        (long long)len, (long long)d);
            goto out;
        }
        memmove(&s->dim[ax], &s->dim[ax + 1], (size_t)(s->rank - ax - 1) * sizeof s->dim[0]);
        s->rank--;
    }
    if (len < 0)
        len = -1;
    uint64_t times = len > 0 ? (uint64_t)len : len == 0 ? 0 : 1;
    if (batch > 0)
        times = pr_mul(c, times, (uint64_t)batch);
    struct pr_sub_cost cost;
    if (pr_subgraph_run(c, body, in, out, times, &cost) < 0)
        goto out;
    add_cost(c, &cost, times);
    if (len < 0 || batch < 0)
        c->incomplete = true;
    for (int i = 0; i < bout; i++) {
        struct pr_tensor *o = c->out[i];
        *o = out[i];
        o->is_weight = false;
        o->from_weights = false;
        o->cval = NULL;
        struct pr_shape s = out[i].shape;
        if (s.rank < 0)
            continue;
        if (i >= nstate) {   /* insert the length at the scan output axis */
            if (s.rank + 1 + (v8 ? 1 : 0) > PR_MAX_RANK) {
                pr_op_error(c, "output %d would exceed rank %d", i, PR_MAX_RANK);
                goto out;
            }
            int ax = pr_axis(out_axes[i - nstate] - (v8 ? 1 : 0), s.rank + 1);
            if (ax < 0) {
                pr_op_error(c, "scan output %d: axis %lld is out of range", i - nstate, (long long)out_axes[i - nstate]);
                goto out;
            }
            memmove(&s.dim[ax + 1], &s.dim[ax], (size_t)(s.rank - ax) * sizeof s.dim[0]);
            s.dim[ax] = len;
            s.rank++;
        }
        if (v8) {
            if (s.rank + 1 > PR_MAX_RANK) {
                pr_op_error(c, "output %d would exceed rank %d", i, PR_MAX_RANK);
                goto out;
            }
            memmove(&s.dim[1], &s.dim[0], (size_t)s.rank * sizeof s.dim[0]);
            s.dim[0] = batch;
            s.rank++;
        }
        o->shape = s;
    }
    rc = 0;
out:
    free(slices);
    free(out);
    free(in);
    return rc;
}

/* ---- SequenceMap ---- */

int seq_map_shape(struct pr_op_ctx *c)
{
    int body = find_body(c, "body");
    if (body < 0)
        return -1;
    const struct pr_tensor *s0 = pr_input(c, 0);
    if (!s0 || s0->kind != PR_KIND_SEQUENCE)
        return pr_op_error(c, "input 0 must be a sequence");
    int bin, bout;
    pr_subgraph_arity(c, body, &bin, &bout);
    if (bin != c->nin || bout != c->nout)
        return pr_op_error(c, "its body has %d inputs and %d outputs; it needs one per node input (%d) and output (%d)",
                           bin, bout, c->nin, c->nout);
    int64_t n = s0->seq_len;
    for (int i = 1; i < c->nin; i++) {
        const struct pr_tensor *t = pr_input(c, i);
        if (t && t->kind == PR_KIND_SEQUENCE && n >= 0 && t->seq_len >= 0 && t->seq_len != n)
            return pr_op_error(c, "input %d has %lld elements but input 0 has %lld", i, (long long)t->seq_len,
                               (long long)n);
    }
    struct pr_tensor *el = types_new(c, bin), *out = types_new(c, bout);
    const struct pr_tensor **in = calloc((size_t)bin + 1, sizeof *in);
    struct pr_shape *shapes = NULL;
    int rc = -1;
    if (!el || !out || !in) {
        pr_op_error(c, "out of memory");
        goto out;
    }
    bool each = n >= 0 && n <= PR_SEQ_MAX;
    for (int i = 0; i < c->nin && each; i++) {
        const struct pr_tensor *t = pr_input(c, i);
        each = t && (t->kind != PR_KIND_SEQUENCE || t->elems);
    }
    if (each && n > 0 && !(shapes = calloc((size_t)(n * bout), sizeof *shapes))) {
        pr_op_error(c, "out of memory");
        goto out;
    }
    int64_t runs = each ? n : 1;
    uint64_t times = 1;
    if (!each) {
        int64_t len = n >= 0 ? n : pr_data_dim(c, "length", -1, "the length of the input sequence (one element counted: the counts are lower bounds)");
        times = len >= 0 ? (uint64_t)len : 1;
        if (len < 0)
            c->incomplete = true;
        n = len;
    }
    for (int64_t r = 0; r < runs; r++) {
        for (int i = 0; i < bin; i++) {
            const struct pr_tensor *t = pr_input(c, i);
            in[i] = &el[i];
            pr_type_unknown(&el[i]);
            if (!t)
                continue;
            el[i] = *t;
            el[i].is_weight = false;
            el[i].from_weights = false;
            if (t->kind == PR_KIND_SEQUENCE) {
                pr_type_unknown(&el[i]);
                el[i].dtype = t->dtype;
                el[i].shape = each ? t->elems[r] : t->shape;
            }
        }
        struct pr_sub_cost cost;
        if (pr_subgraph_run(c, body, in, out, times, &cost) < 0)
            goto out;
        add_cost(c, &cost, times);
        for (int k = 0; k < bout && each; k++)
            shapes[r * bout + k] = out[k].shape;
    }
    for (int k = 0; k < bout; k++) {
        if (out[k].kind != PR_KIND_TENSOR) {
            pr_op_error(c, "body output %d must be a tensor", k);
            goto out;
        }
        struct pr_shape *col = NULL;
        if (each && n > 0) {
            col = calloc((size_t)n, sizeof *col);
            if (!col) {
                pr_op_error(c, "out of memory");
                goto out;
            }
            for (int64_t r = 0; r < n; r++)
                col[r] = shapes[r * bout + k];
        }
        static const struct pr_shape none = {.rank = -1};
        int e = pr_seq_set(c, c->out[k], out[k].dtype, n, each ? (col ? col : &none) : NULL);
        free(col);
        if (e < 0)
            goto out;
        if (!each)
            c->out[k]->shape = out[k].shape;
    }
    rc = 0;
out:
    free(el);
    free(out);
    free(in);
    free(shapes);
    return rc;
}

/* ---- a call of a model-local function ----
 * Its body (the call's expanded copy, src/functions.c) runs once; its
 * formal inputs are the call's input values themselves (src/model.c), so
 * weights passed in count as the call's parameters, once. The node's
 * outputs are the body's first outputs. */

static int function_shape(struct pr_op_ctx *c)
{
    int bin, bout;   /* bin is 0: the formal inputs are the call's values */
    pr_subgraph_arity(c, 0, &bin, &bout);
    if (c->nout > bout)
        return pr_op_error(c, "has %d outputs but the function it calls has %d", c->nout, bout);
    struct pr_tensor *out = types_new(c, bout);
    struct pr_sub_cost cost;
    if (!out || pr_subgraph_run(c, 0, NULL, out, 1, &cost) < 0) {
        free(out);
        return -1;
    }
    add_cost(c, &cost, 1);
    for (int i = 0; i < c->nout; i++)
        *c->out[i] = out[i];
    free(out);
    return 0;
}

const struct pr_op pr_function_op = {
    .domain = "", .name = "(function call)", .since = 1, .until = 0,
    .shape = function_shape, .cost = control_cost, .kernel = PR_KERNEL_GEMM, .flops_per_elem = -1,
    .macs = "the sum of its body's", .flops = "the sum of its body's", .subgraphs = true, .any_kind = true,
};

/* The node itself computes nothing and holds no weights: its row reports
 * what its subgraph runs add (c->sub, filled by the shape function). */
int control_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    (void)c;
    k->macs = 0;
    k->flops = 0;
    k->weight_mask = 0;
    return 0;
}
