/* json.c -- reading JSON files and building JSON documents (see json.h). */
#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "rfile.h"

char *pr_json_read(const char *path, size_t max, enum pr_status code, struct pr_err *err)
{
    size_t len = 0;
    char *text = pr_rfile_read(path, max, &len, code, err);
    if (text && strlen(text) != len) {
        pr_err_set(err, code, "%s: contains a NUL byte; expected a JSON text", path);
        free(text);
        return NULL;
    }
    return text;
}

/* The parse failures of cJSON that are not about memory, checked without
 * allocating: cJSON answers NULL both for a text it refuses and for an
 * allocation that failed, and only the first is the file's fault. The
 * grammar is cJSON's (1.7): whitespace is any byte <= 32, a UTF-8 byte
 * order mark may open the text, a number is what strtod reads from a run
 * of [0-9+-.eE] that starts with '-' or a digit, strings may hold raw
 * control bytes, a \u escape must not leave a surrogate unpaired, at most
 * CJSON_NESTING_LIMIT arrays and objects nest, and nothing but whitespace
 * follows the value. */
static const char *skip_ws(const char *p)
{
    while (*p && (unsigned char)*p <= 32)
        p++;
    return p;
}

/* The value of 4 hex digits, 0 when one is not (cJSON's reading). */
static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return 0;
        v = v * 16 + d;
    }
    return v;
}

/* After the string opened at p[-1]; NULL when it is not one cJSON takes.
 * Its end is the first quote not after a backslash; then its escapes are
 * read, a \u one needing its 4 digits before that end. */
static const char *skip_string(const char *p)
{
    const char *end = p;
    while (*end && *end != '"') {
        if (*end == '\\' && !*++end)
            return NULL;
        end++;
    }
    if (!*end)
        return NULL;
    for (const char *q = p; q < end;) {
        if (*q != '\\') {
            q++;
        } else if (q[1] && strchr("bfnrt\"\\/", q[1])) {
            q += 2;
        } else if (q[1] != 'u' || end - q < 6) {
            return NULL;
        } else {
            int u = hex4(q + 2);
            if (u >= 0xDC00 && u <= 0xDFFF)
                return NULL;   /* a low surrogate first */
            q += 6;
            if (u >= 0xD800 && u <= 0xDBFF) {   /* a high one: its low half must follow */
                if (end - q < 6 || q[0] != '\\' || q[1] != 'u' || hex4(q + 2) < 0xDC00 || hex4(q + 2) > 0xDFFF)
                    return NULL;
                q += 6;
            }
        }
    }
    return end + 1;
}

static const char *skip_number(const char *p)
{
    char buf[64];
    size_t n = 0;
    while (n < sizeof buf - 1 && p[n] && strchr("0123456789+-.eE", p[n]))
        n++;
    memcpy(buf, p, n);
    buf[n] = 0;
    char *end;
    (void)strtod(buf, &end);
    return end == buf ? NULL : p + (end - buf);
}

/* An object's key and its colon, from p; NULL when they are not there. */
static const char *skip_key(const char *p)
{
    p = skip_ws(p);
    if (*p != '"' || !(p = skip_string(p + 1)))
        return NULL;
    p = skip_ws(p);
    return *p == ':' ? p + 1 : NULL;
}

static bool cjson_would_parse(const char *p)
{
    unsigned char open[CJSON_NESTING_LIMIT + 1];   /* '[' or '{' of each open container */
    int depth = 0;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    for (;;) {
        /* a value */
        p = skip_ws(p);
        if (*p == '[' || *p == '{') {
            if (depth >= CJSON_NESTING_LIMIT)
                return false;
            open[depth++] = (unsigned char)*p;
            const char *q = skip_ws(p + 1);
            if (*q == (*p == '[' ? ']' : '}')) {
                depth--;
                p = q + 1;
            } else if (*p == '{') {
                if (!(p = skip_key(q)))
                    return false;
                continue;
            } else {
                p = q;
                continue;
            }
        } else if (*p == '"') {
            if (!(p = skip_string(p + 1)))
                return false;
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            if (!(p = skip_number(p)))
                return false;
        } else if (!strncmp(p, "null", 4) || !strncmp(p, "true", 4)) {
            p += 4;
        } else if (!strncmp(p, "false", 5)) {
            p += 5;
        } else {
            return false;
        }
        /* after a value: a comma (and the next key), or the ends of containers */
        for (;;) {
            p = skip_ws(p);
            if (depth == 0)
                return *p == 0;
            char close = open[depth - 1] == '[' ? ']' : '}';
            if (*p == close) {
                depth--;
                p++;
                continue;
            }
            if (*p != ',')
                return false;
            p++;
            if (open[depth - 1] == '{' && !(p = skip_key(p)))
                return false;
            break;
        }
    }
}

cJSON *pr_json_parse_at(const char *text, size_t *at, bool *oom)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    *at = !root && end && end >= text ? (size_t)(end - text) : 0;
    *oom = !root && cjson_would_parse(text);
    return root;
}

int pr_json_no_memory(struct pr_err *err, const char *name, const char *text)
{
    return pr_err_set(err, PR_E_INTERNAL, "%s: out of memory parsing it (%zu bytes of JSON)", name, strlen(text));
}

cJSON *pr_json_parse(const char *text, const char *name, enum pr_status code, struct pr_err *err)
{
    size_t off;
    bool oom;
    cJSON *root = pr_json_parse_at(text, &off, &oom);
    if (!root && oom) {
        pr_json_no_memory(err, name, text);
    } else if (!root) {
        const char *at = text + off;
        int line = 1;
        for (const char *p = text; p < at && *p; p++)
            line += *p == '\n';
        pr_err_set(err, code, "%s: line %d: malformed JSON; expected a JSON object", name, line);
    }
    return root;
}

cJSON *pr_json_load(const char *path, size_t max, enum pr_status code, struct pr_err *err)
{
    char *text = pr_json_read(path, max, code, err);
    cJSON *root = text ? pr_json_parse(text, path, code, err) : NULL;
    free(text);
    return root;
}

const char *pr_json_type(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    return "an object";
}

void pr_json_path_step(char *dst, size_t size, const char *base, const char *key)
{
    bool plain = *key != 0;
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            plain = false;
    char *clean = pr_text_clean(key, 80);
    snprintf(dst, size, plain ? "%s.%s" : "%s[\"%s\"]", base, clean ? clean : "?");
    free(clean);
}

size_t pr_jr_push(struct pr_jr *r, const char *key, int index)
{
    size_t len = strlen(r->path);
    char step[PR_JR_PATH + 32];   /* a longer path is cut */
    if (!key)
        snprintf(step, sizeof step, "%s[%d]", r->path, index);
    else if (len)
        pr_json_path_step(step, sizeof step, r->path, key);
    else
        snprintf(step, sizeof step, "%.*s", PR_JR_PATH - 1, key);
    memcpy(r->path, step, sizeof r->path - 1);
    r->path[sizeof r->path - 1] = 0;
    return len;
}

void pr_jr_pop(struct pr_jr *r, size_t len)
{
    if (len < sizeof r->path)
        r->path[len] = 0;
}

int pr_jr_bad(struct pr_jr *r, const char *key, const cJSON *got, const char *expected)
{
    size_t len = key ? pr_jr_push(r, key, 0) : strlen(r->path);
    pr_err_set(r->err, r->code, "%s: %s: expected %s%s%s%s%s", r->file, r->path, expected, got ? ", got " : "",
               got ? pr_json_type(got) : "", r->hint ? "; " : "", r->hint ? r->hint : "");
    pr_jr_pop(r, len);
    return -1;
}

int pr_jr_str(struct pr_jr *r, const cJSON *o, const char *key, bool required, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return pr_jr_bad(r, key, NULL, "a string");
        *out = strdup("");
    } else if (!cJSON_IsString(v) || strlen(v->valuestring) > PR_JSON_STR_MAX) {
        return pr_jr_bad(r, key, NULL, "a string (at most 4096 bytes)");
    } else {
        *out = strdup(v->valuestring);
    }
    return *out ? 0 : pr_err_set(r->err, PR_E_INTERNAL, "out of memory");
}

int pr_jr_num(struct pr_jr *r, const cJSON *o, const char *key, bool required, double lo, double hi, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = 0;
    if (!v || cJSON_IsNull(v))
        return required ? pr_jr_bad(r, key, NULL, "a number") : 0;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo || v->valuedouble > hi) {
        char what[96];
        snprintf(what, sizeof what, "a number from %g to %g", lo, hi);
        return pr_jr_bad(r, key, NULL, what);
    }
    *out = v->valuedouble;
    return 0;
}

int pr_jr_int(struct pr_jr *r, const cJSON *o, const char *key, bool required, int lo, int hi, int *out)
{
    double d;
    if (pr_jr_num(r, o, key, required, lo, hi, &d) < 0)
        return -1;
    if (d != floor(d))
        return pr_jr_bad(r, key, NULL, "an integer");
    *out = (int)d;
    return 0;
}

const cJSON *pr_jr_array(struct pr_jr *r, const cJSON *o, const char *key, int max, int *n)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > max) {
        pr_jr_bad(r, key, NULL, "an array");
        return NULL;
    }
    *n = cJSON_GetArraySize(a);
    return a;
}

const char *pr_json_str_at(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

double pr_json_num_at(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

cJSON *pr_jb_check(struct pr_jb *b, cJSON *item)
{
    if (!item)
        b->failed = true;
    return item;
}

void pr_jb_add(struct pr_jb *b, cJSON *obj, const char *key, cJSON *item)
{
    if (!item || !obj) {
        b->failed = true;
        cJSON_Delete(item);
        return;
    }
    if (cJSON_IsArray(obj))
        cJSON_AddItemToArray(obj, item);
    else if (b->static_keys)
        cJSON_AddItemToObjectCS(obj, key, item);
    else
        cJSON_AddItemToObject(obj, key, item);
}

/* v's digits, '-' first when negative, ending at end (its NUL); returns the first. */
static char *int_text(uint64_t v, bool negative, char *end)
{
    char *p = end;   /* from the end, without printf: a report has millions */
    *p = '\0';
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    if (negative)
        *--p = '-';
    return p;
}

cJSON *pr_jb_u64(struct pr_jb *b, uint64_t v)
{
    char num[24];
    return pr_jb_check(b, cJSON_CreateRaw(int_text(v, false, num + sizeof num - 1)));
}

cJSON *pr_jb_i64(struct pr_jb *b, int64_t v)
{
    char num[24];
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return pr_jb_check(b, cJSON_CreateRaw(int_text(mag, v < 0, num + sizeof num - 1)));
}

cJSON *pr_jb_num(struct pr_jb *b, double v)
{
    return pr_jb_check(b, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

cJSON *pr_jb_str(struct pr_jb *b, const char *s)
{
    if (!s)
        return pr_jb_check(b, cJSON_CreateNull());
    if (pr_text_is_plain(s, 4096))   /* most names: no cleaned copy */
        return pr_jb_check(b, cJSON_CreateString(s));
    char *clean = pr_text_clean(s, 4096);
    cJSON *item = clean ? cJSON_CreateString(clean) : NULL;
    free(clean);
    return pr_jb_check(b, item);
}

cJSON *pr_jb_text(struct pr_jb *b, const char *s)
{
    return pr_jb_check(b, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

cJSON *pr_jb_object(struct pr_jb *b, cJSON *obj, const char *key)
{
    cJSON *o = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, obj, key, o);
    return b->failed ? NULL : o;
}

cJSON *pr_jb_array(struct pr_jb *b, cJSON *obj, const char *key)
{
    cJSON *o = pr_jb_check(b, cJSON_CreateArray());
    pr_jb_add(b, obj, key, o);
    return b->failed ? NULL : o;
}

char *pr_jb_text_of(struct pr_jb *b, cJSON *root, bool pretty)
{
    char *text = b->failed || !root ? NULL : pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return text;
}

cJSON *pr_jb_header(struct pr_jb *b, const char *schema)
{
    cJSON *root = pr_jb_check(b, cJSON_CreateObject());
    pr_jb_add(b, root, "schema", pr_jb_str(b, schema));
    pr_jb_add(b, root, "version", pr_jb_num(b, 1));
    return root;
}

int pr_jb_print(struct pr_jb *b, cJSON *root, FILE *f)
{
    if (b->failed) {
        cJSON_Delete(root);
        return -1;
    }
    return pr_json_print(root, f);
}

int pr_json_write(const cJSON *root, FILE *f)
{
    char *text = root ? cJSON_Print(root) : NULL;
    if (!text)
        return -1;
    int rc = fputs(text, f) < 0 || fputc('\n', f) == EOF ? -1 : 0;
    cJSON_free(text);
    return rc;
}

/* Buffers reused by the items of a streamed array: the printed item and
 * its indented copy (one write per item, not per line). */
struct stream_buf {
    char *text, *out;
    size_t text_cap, out_cap;
};

/* text to f, each line after the first indented by `tabs` more tabs (what
 * cJSON_Print writes for an item nested that much deeper: strings hold no
 * raw newline, so every newline is the printer's). */
static int write_indented(const char *text, int tabs, FILE *f, struct stream_buf *sb)
{
    size_t len = strlen(text), lines = 0;
    for (const char *p = memchr(text, '\n', len); p; p = memchr(p + 1, '\n', len - (size_t)(p + 1 - text)))
        lines++;
    size_t need = len + lines * (size_t)tabs + 1;
    if (need > sb->out_cap) {
        char *more = realloc(sb->out, need * 2);
        if (!more)
            return -1;
        sb->out = more;
        sb->out_cap = need * 2;
    }
    char *out = sb->out, *o = out;
    for (const char *p = text, *end = text + len; p < end;) {   /* line by line, the newline's tabs after it */
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t run = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        memcpy(o, p, run);
        o += run;
        p += run;
        if (nl) {
            memset(o, '\t', (size_t)tabs);
            o += tabs;
        }
    }
    return fwrite(out, 1, (size_t)(o - out), f) == (size_t)(o - out) ? 0 : -1;
}

/* item printed (pretty) at nesting depth `tabs`, into sb's text buffer when
 * it fits (cJSON_PrintPreallocated; else its own, grown for the next);
 * -1 when NULL or on failure. */
static int write_item(cJSON *item, int tabs, FILE *f, struct stream_buf *sb)
{
    if (!item)
        return -1;
    if (!sb->text && !(sb->text = malloc(sb->text_cap = 16384)))
        return -1;
    if (cJSON_PrintPreallocated(item, sb->text, (int)sb->text_cap, 1))
        return write_indented(sb->text, tabs, f, sb);
    char *text = cJSON_Print(item);
    int rc = text ? write_indented(text, tabs, f, sb) : -1;
    size_t len = text ? strlen(text) : 0;
    cJSON_free(text);
    if (rc == 0 && len + 64 > sb->text_cap && len < (size_t)1 << 30) {   /* room for the next such item */
        char *more = realloc(sb->text, 2 * len + 64);
        if (more) {
            sb->text = more;
            sb->text_cap = 2 * len + 64;
        }
    }
    return rc;
}

/* cJSON_Print's layout of an object (depth 1 here): "{\n", then per member a
 * tab, the key as a JSON string, ":\t", the value, "," unless last, "\n";
 * "}". An array's items are separated by ", ". */
int pr_json_print_stream(cJSON *root, FILE *f, const char *key, pr_json_item_fn item, void *ctx, int n)
{
    struct stream_buf sb = {0};
    int rc = root && cJSON_IsObject(root) ? 0 : -1;
    if (rc == 0 && fputs("{\n", f) < 0)
        rc = -1;
    for (cJSON *c = root ? root->child : NULL; c && rc == 0; c = c->next) {
        cJSON *k = cJSON_CreateStringReference(c->string ? c->string : "");
        char *ktext = k ? cJSON_PrintUnformatted(k) : NULL;
        cJSON_Delete(k);
        rc = ktext && fprintf(f, "\t%s:\t", ktext) > 0 ? 0 : -1;
        cJSON_free(ktext);
        if (rc == 0 && c->string && strcmp(c->string, key) == 0 && cJSON_IsArray(c) && !c->child) {
            rc = fputc('[', f) == EOF ? -1 : 0;
            for (int i = 0; i < n && rc == 0; i++) {
                cJSON *it = item(ctx, i);
                rc = write_item(it, 2, f, &sb);
                cJSON_Delete(it);
                if (rc == 0 && i + 1 < n && fputs(", ", f) < 0)
                    rc = -1;
            }
            if (rc == 0 && fputc(']', f) == EOF)
                rc = -1;
        } else if (rc == 0) {
            char *text = cJSON_Print(c);
            rc = text ? write_indented(text, 1, f, &sb) : -1;
            cJSON_free(text);
        }
        if (rc == 0 && fputs(c->next ? ",\n" : "\n", f) < 0)
            rc = -1;
    }
    if (rc == 0 && fputs("}\n", f) < 0)
        rc = -1;
    cJSON_Delete(root);
    free(sb.text);
    free(sb.out);
    return rc;
}

int pr_json_print(cJSON *root, FILE *f)
{
    int rc = pr_json_write(root, f);
    cJSON_Delete(root);
    return rc;
}
