/* report_listing.c -- the JSON of the listings: the operator table
 * (`priori ops --format json`, schema "priori-ops") and the hardware
 * profiles of a database (`priori hw list` / `hw show --format json`,
 * schemas "priori-hw-list" and "priori-hw-show"), version 1. The command
 * line prints them and the C API returns them (priori_ops_json,
 * priori_hw_profiles_json, priori_hw_profile_json): one builder, the same
 * bytes.
 */
#include "report_listing.h"

#include <stdlib.h>
#include <string.h>

#include "energy.h"
#include "op.h"

static int by_domain_name(const void *a, const void *b)
{
    const struct pr_op *x = *(const struct pr_op *const *)a, *y = *(const struct pr_op *const *)b;
    int d = strcmp(x->domain, y->domain);
    return d ? d : strcmp(x->name, y->name);
}

void pr_ops_sorted(const struct pr_op *rows[PR_OP_COUNT])
{
    for (int i = 0; i < PR_OP_COUNT; i++)
        rows[i] = &pr_op_table[i];
    qsort(rows, PR_OP_COUNT, sizeof rows[0], by_domain_name);
}

const char *pr_op_domain(const struct pr_op *op)
{
    return *op->domain ? op->domain : "ai.onnx";
}

/* {"schema": "priori-ops", "version": 1, "operators": [...]} */
cJSON *pr_ops_json(struct pr_jb *b)
{
    const struct pr_op *rows[PR_OP_COUNT];
    pr_ops_sorted(rows);
    cJSON *root = pr_jb_header(b, "priori-ops"), *arr = pr_jb_check(b, cJSON_CreateArray());
    pr_jb_add(b, root, "operators", arr);
    for (int i = 0; i < PR_OP_COUNT && !b->failed; i++) {
        cJSON *o = pr_jb_check(b, cJSON_CreateObject());
        pr_jb_add(b, arr, NULL, o);
        pr_jb_add(b, o, "domain", pr_jb_str(b, pr_op_domain(rows[i])));
        pr_jb_add(b, o, "op_type", pr_jb_str(b, rows[i]->name));
        pr_jb_add(b, o, "since_opset", pr_jb_num(b, rows[i]->since));
        pr_jb_add(b, o, "until_opset", rows[i]->until ? pr_jb_num(b, rows[i]->until) : pr_jb_str(b, NULL));
        pr_jb_add(b, o, "macs", pr_jb_str(b, rows[i]->macs));
        pr_jb_add(b, o, "flops", pr_jb_str(b, rows[i]->flops));
        pr_jb_add(b, o, "kernel", pr_jb_str(b, pr_kernel_name[rows[i]->kernel]));
        pr_jb_add(b, o, "flops_per_element",
                  rows[i]->flops_per_elem >= 0 ? pr_jb_num(b, rows[i]->flops_per_elem) : pr_jb_str(b, NULL));
    }
    return root;
}

static int measured_models(const struct pr_db *db, const struct pr_profile *p, int *records)
{
    int models = 0;
    *records = 0;
    for (int i = 0; i < db->nrecords; i++) {
        if (strcmp(db->records[i].profile, p->id) != 0)
            continue;
        ++*records;
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = strcmp(db->records[j].profile, p->id) == 0 && strcmp(db->records[j].model, db->records[i].model) == 0;
        models += !seen;
    }
    return models;
}

/* The typical |error| of energy in percent: validated for fitted profiles,
 * assumed for the others (energy.h); -1 none. */
double pr_profile_error(const struct pr_profile *p)
{
    return p->method == PR_METHOD_FITTED ? p->valid.loo_median
           : p->method == PR_METHOD_ANCHOR ? PR_ANCHOR_UNCERTAINTY_PCT
           : p->method == PR_METHOD_SPEC ? PR_SPEC_UNCERTAINTY_PCT : -1;
}

/* Models measured for p: distinct models of its records; GPU entries are
 * one per measured batch, so their validation counts them. */
int pr_profile_models(const struct pr_db *db, const struct pr_profile *p, int *records)
{
    int models = measured_models(db, p, records);
    return p->has_roof ? p->valid.models : models;
}

cJSON *pr_hw_list_json(struct pr_jb *b, const struct pr_db *db, const char *filter)
{
    cJSON *root = pr_jb_header(b, "priori-hw-list");
    pr_jb_add(b, root, "db", pr_jb_str(b, db->dir));
    cJSON *arr = pr_jb_check(b, cJSON_CreateArray());
    pr_jb_add(b, root, "profiles", arr);
    for (int i = 0; i < db->nprofiles && !b->failed; i++) {
        const struct pr_profile *p = &db->profiles[i];
        if (filter && !strstr(p->id, filter))
            continue;
        int records, models = pr_profile_models(db, p, &records);
        double e = pr_profile_error(p);
        cJSON *o = pr_jb_check(b, cJSON_CreateObject());
        pr_jb_add(b, arr, NULL, o);
        pr_jb_add(b, o, "id", pr_jb_str(b, p->id));
        pr_jb_add(b, o, "hw", pr_jb_str(b, p->hw));
        pr_jb_add(b, o, "precision", pr_jb_str(b, p->precision));
        pr_jb_add(b, o, "scenario", pr_jb_str(b, p->scenario));
        pr_jb_add(b, o, "method", pr_jb_str(b, pr_method_name[p->method]));
        pr_jb_add(b, o, "models", pr_jb_num(b, models));
        pr_jb_add(b, o, "records", pr_jb_num(b, records));
        pr_jb_add(b, o, "error_pct", e < 0 ? pr_jb_check(b, cJSON_CreateNull()) : pr_jb_num(b, e));
        pr_jb_add(b, o, "error_validated", pr_jb_check(b, cJSON_CreateBool(p->method == PR_METHOD_FITTED)));
        pr_jb_add(b, o, "hardware", pr_jb_str(b, p->hardware));
    }
    return root;
}

/* Every profile ID names (a profile id or a --hw name) with its records. */
cJSON *pr_hw_show_json(struct pr_jb *b, const struct pr_db *db, const char *id)
{
    cJSON *root = pr_jb_header(b, "priori-hw-show");
    cJSON *arr = pr_jb_check(b, cJSON_CreateArray());
    pr_jb_add(b, root, "profiles", arr);
    for (int i = 0; i < db->nprofiles && !b->failed; i++) {
        const struct pr_profile *p = &db->profiles[i];
        if (strcmp(p->id, id) != 0 && strcmp(p->hw, id) != 0)
            continue;
        int records, models = pr_profile_models(db, p, &records);
        cJSON *o = pr_jb_check(b, cJSON_CreateObject()), *anchors = pr_jb_check(b, cJSON_CreateArray());
        pr_jb_add(b, arr, NULL, o);
        pr_jb_add(b, o, "profile", pr_jb_check(b, pr_db_profile_json(p)));
        pr_jb_add(b, o, "models", pr_jb_num(b, models));
        pr_jb_add(b, o, "anchors", anchors);
        for (int r = 0; r < db->nrecords && !b->failed; r++)
            if (strcmp(db->records[r].profile, p->id) == 0)
                pr_jb_add(b, anchors, NULL, pr_jb_check(b, pr_db_record_json(&db->records[r])));
    }
    return root;
}

bool pr_hw_named(const struct pr_db *db, const char *id)
{
    for (int i = 0; i < db->nprofiles; i++)
        if (strcmp(db->profiles[i].id, id) == 0 || strcmp(db->profiles[i].hw, id) == 0)
            return true;
    return false;
}

