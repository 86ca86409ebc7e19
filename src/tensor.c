/* tensor.c -- TensorProto -> struct pr_tensor (see tensor.h).
 *
 * Values are decoded from whichever field the writer used: raw_data
 * (little-endian, exact length), or the typed repeated fields float_data,
 * int32_data (also for int8/16, uint8/16, bool, float16 bits), int64_data,
 * double_data, uint64_data (uint32/64). Float16/bfloat16 values are
 * converted from their bit patterns. The counts are checked at load
 * (check_values); the decoding runs when the values are first read
 * (pr_const_values calls decode_values), into arrays reserved at load.
 *
 * Loaded through the wire pass (wire.h), raw_data points at the file's
 * bytes (read from the file only for tensors small enough to decode; NULL
 * with its true length otherwise), and a typed field too large for its
 * tensor was stripped unread: its marker gives the size for the message.
 */
#include "tensor.h"

#include <math.h>
#include <string.h>

#include "wire.h"

struct pr_const *pr_const_alloc(struct pr_arena *a, int64_t n)
{
    if (n < 0 || n > PR_CONST_MAX)
        return NULL;
    struct pr_const *c = pr_arena_alloc(a, sizeof *c);
    if (!c)
        return NULL;
    c->n = n;
    c->decode = NULL;
    c->src = NULL;
    c->store = NULL;
    c->i = pr_arena_calloc(a, (size_t)(n ? n : 1), sizeof *c->i);
    c->f = pr_arena_calloc(a, (size_t)(n ? n : 1), sizeof *c->f);
    return c->i && c->f ? c : NULL;
}

static double half_to_double(uint16_t h)
{
    int sign = h >> 15, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
    double v;
    if (exp == 0)
        v = ldexp(man, -24);
    else if (exp == 31)
        v = man ? NAN : INFINITY;
    else
        v = ldexp(man + 1024, exp - 25);
    return sign ? -v : v;
}

static double bfloat_to_double(uint16_t b)
{
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Element i of a little-endian raw buffer of dtype as double and int. */
static void raw_elem(const uint8_t *p, int dtype, double *f, int64_t *iv)
{
    uint64_t u = 0;
    unsigned bytes = pr_dtype_bits(dtype) / 8;
    for (unsigned b = 0; b < bytes; b++)
        u |= (uint64_t)p[b] << (8 * b);
    switch (dtype) {
    case PR_DT_FLOAT: { uint32_t w = (uint32_t)u; float x; memcpy(&x, &w, 4); *f = x; break; }
    case PR_DT_DOUBLE: { double x; memcpy(&x, &u, 8); *f = x; break; }
    case PR_DT_FLOAT16: *f = half_to_double((uint16_t)u); break;
    case PR_DT_BFLOAT16: *f = bfloat_to_double((uint16_t)u); break;
    case PR_DT_INT8: *iv = (int8_t)u; *f = (double)*iv; return;
    case PR_DT_INT16: *iv = (int16_t)u; *f = (double)*iv; return;
    case PR_DT_INT32: *iv = (int32_t)u; *f = (double)*iv; return;
    case PR_DT_INT64: *iv = (int64_t)u; *f = (double)*iv; return;
    case PR_DT_UINT64: *iv = u > INT64_MAX ? INT64_MAX : (int64_t)u; *f = (double)u; return;
    default: *iv = (int64_t)u; *f = (double)u; return;   /* uint8/16/32, bool */
    }
    *iv = pr_double_to_i64(*f);
}

static bool decodable(int dtype)
{
    return dtype != PR_DT_STRING && dtype != PR_DT_COMPLEX64 && dtype != PR_DT_COMPLEX128 &&
           pr_dtype_bits(dtype) >= 8;
}

/* Checks at load what decoding will read: the typed field used holds
 * exactly n values (raw_data's length is checked by the caller), so that
 * the decoding itself, done when the values are first read, cannot fail. */
static int check_values(const Onnx__TensorProto *tp, int dtype, int64_t n,
                        const char *what, struct pr_err *err)
{
    if (tp->has_raw_data)
        return 0;
    size_t have;
    const char *field;
    int num;   /* field number, for the wire pass's marker */
    switch (dtype) {
    case PR_DT_FLOAT: have = tp->n_float_data; field = "float_data"; num = 4; break;
    case PR_DT_INT64: have = tp->n_int64_data; field = "int64_data"; num = 7; break;
    case PR_DT_DOUBLE: have = tp->n_double_data; field = "double_data"; num = 10; break;
    case PR_DT_UINT32: case PR_DT_UINT64: have = tp->n_uint64_data; field = "uint64_data"; num = 11; break;
    default: have = tp->n_int32_data; field = "int32_data"; num = 5; break;
    }
    struct pr_wire_span sp;
    if (have == 0 && pr_wire_marker(tp, num, &sp))   /* too large to be these values: stripped unread */
        return pr_err_set(err, PR_E_MODEL, "%s: %s holds %llu bytes, more than %lld values can take",
                          what, field, (unsigned long long)sp.length, (long long)n);
    if (have != (size_t)n)
        return pr_err_set(err, PR_E_MODEL, "%s: %s has %zu values but the dims give %lld",
                          what, field, have, (long long)n);
    return 0;
}

/* pr_const's decode: the values of c->src (a TensorProto checked by
 * check_values, alive as long as the model's protobuf tree) into the
 * arrays reserved in c->store at load. */
static void decode_values(struct pr_const *c)
{
    const Onnx__TensorProto *tp = c->src;
    int dtype = tp->data_type;
    int64_t n = c->n;
    int64_t *iv = c->store;
    double *fv = (double *)(iv + (n ? n : 1));
    c->decode = NULL;
    if (tp->has_raw_data) {
        size_t size = pr_dtype_bits(dtype) / 8;
        for (int64_t k = 0; k < n; k++)
            raw_elem(tp->raw_data.data + (size_t)k * size, dtype, &fv[k], &iv[k]);
    } else {
        for (int64_t k = 0; k < n; k++) {
            switch (dtype) {
            case PR_DT_FLOAT: fv[k] = tp->float_data[k]; iv[k] = pr_double_to_i64(fv[k]); break;
            case PR_DT_INT64: iv[k] = tp->int64_data[k]; fv[k] = (double)iv[k]; break;
            case PR_DT_DOUBLE: fv[k] = tp->double_data[k]; iv[k] = pr_double_to_i64(fv[k]); break;
            case PR_DT_UINT32: case PR_DT_UINT64:
                fv[k] = (double)tp->uint64_data[k];
                iv[k] = tp->uint64_data[k] > INT64_MAX ? INT64_MAX : (int64_t)tp->uint64_data[k];
                break;
            case PR_DT_FLOAT16: fv[k] = half_to_double((uint16_t)tp->int32_data[k]); iv[k] = pr_double_to_i64(fv[k]); break;
            case PR_DT_BFLOAT16: fv[k] = bfloat_to_double((uint16_t)tp->int32_data[k]); iv[k] = pr_double_to_i64(fv[k]); break;
            default: iv[k] = tp->int32_data[k]; fv[k] = (double)iv[k]; break;
            }
        }
    }
    c->i = iv;
    c->f = fv;
}

bool pr_tensor_proto_weightless(const Onnx__TensorProto *tp)
{
    static const int fields[] = {4, 5, 6, 7, 9, 10, 11};   /* every field that can hold values */
    struct pr_wire_span sp;
    if ((tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) ||
        tp->has_raw_data || tp->n_float_data || tp->n_int32_data || tp->n_string_data || tp->n_int64_data ||
        tp->n_double_data || tp->n_uint64_data)
        return false;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (pr_wire_marker(tp, fields[i], &sp))
            return false;
    for (size_t k = 0; k < tp->n_dims; k++)
        if (tp->dims[k] == 0)
            return false;   /* no elements: nothing to hold */
    return true;
}

int pr_tensor_from_proto(const Onnx__TensorProto *tp, struct pr_arena *a,
                         struct pr_tensor *out, const char *what, struct pr_err *err)
{
    memset(out, 0, sizeof *out);
    out->dtype = tp->has_data_type ? tp->data_type : 0;
    if (out->dtype <= 0 || out->dtype >= PR_DT_COUNT)
        return pr_err_set(err, PR_E_MODEL, "%s: unknown element type %d", what, (int)out->dtype);
    if (tp->n_dims > PR_MAX_RANK)
        return pr_err_set(err, PR_E_MODEL, "%s: rank %zu exceeds the supported maximum %d",
                          what, tp->n_dims, PR_MAX_RANK);
    out->shape.rank = (int)tp->n_dims;
    bool ovf = false, unk = false;
    for (size_t k = 0; k < tp->n_dims; k++) {
        if (tp->dims[k] < 0)
            return pr_err_set(err, PR_E_MODEL, "%s: dim %zu is negative (%lld)",
                              what, k, (long long)tp->dims[k]);
        out->shape.dim[k] = tp->dims[k];
    }
    uint64_t n = pr_shape_numel(&out->shape, &unk, &ovf);
    if (ovf || n > INT64_MAX / 16)
        return pr_err_set(err, PR_E_MODEL, "%s: element count of its dims overflows 64 bits", what);
    bool external = tp->has_data_location &&
                    tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    if (!external && tp->has_raw_data && out->dtype != PR_DT_STRING) {
        uint64_t bits = n * pr_dtype_bits(out->dtype), want = bits / 8 + (bits % 8 != 0);
        if (tp->raw_data.len != want)
            return pr_err_set(err, PR_E_MODEL,
                              "%s: raw_data has %zu bytes but %llu elements of %s need %llu",
                              what, tp->raw_data.len, (unsigned long long)n,
                              pr_dtype_name(out->dtype), (unsigned long long)want);
    }
    if (external || n > PR_CONST_MAX || !decodable(out->dtype) || pr_tensor_proto_weightless(tp))
        return 0;
    if (check_values(tp, out->dtype, (int64_t)n, what, err) < 0)
        return -1;
    /* Decoded when first read (pr_const_values): most small initializers
     * (biases, norms) are never read as values. Their arrays are reserved
     * here, untouched, so that a decoding during an analysis outlives the
     * arena's rewind to the analysis' start. */
    struct pr_const *c = pr_arena_alloc(a, sizeof *c);
    void *store = pr_arena_alloc(a, (size_t)(n ? n : 1) * (sizeof *c->i + sizeof *c->f));
    if (!c || !store)
        return pr_err_set(err, PR_E_INTERNAL, "%s: out of memory", what);
    *c = (struct pr_const){.n = (int64_t)n, .decode = decode_values, .src = tp, .store = store};
    out->cval = c;
    return 0;
}
