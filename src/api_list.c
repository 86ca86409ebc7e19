/* api_list.c -- the listings of the C API: the operator table and the
 * hardware profiles as the JSON documents `priori ops --format json`,
 * `priori hw list --format json` and `priori hw show ID --format json`
 * write, built by the same code (report_listing.c).
 */
#include "api_impl.h"

#include <string.h>

#include "json.h"
#include "report_listing.h"

/* Prints a tree built with b into a string (pr_jb_print deletes it). */
struct tree {
    struct pr_jb *b;
    cJSON *root;
};

static int print_tree(const void *ctx, FILE *f)
{
    const struct tree *t = ctx;
    return pr_jb_print(t->b, t->root, f);
}

static char *tree_string(struct pr_jb *b, cJSON *root, priori_error *err)
{
    if (b->failed || !root) {
        cJSON_Delete(root);
        pr_api_set(err, PRIORI_E_NOMEM, "out of memory");
        return NULL;
    }
    struct tree t = {.b = b, .root = root};
    return pr_api_string(print_tree, &t, err);
}

char *priori_ops_json(priori_error *err)
{
    struct pr_jb b = {0};
    return tree_string(&b, pr_ops_json(&b), err);
}

/* Loads db_dir (NULL: the default database). PRIORI_OK or db/nomem. */
static priori_status open_db(struct pr_db *db, const char *db_dir, priori_error *err)
{
    char buf[PR_DB_DIR_MAX];
    struct pr_err e = {0};
    if (pr_db_load(db, db_dir ? db_dir : pr_db_default_dir(buf, sizeof buf), &e) < 0)
        return pr_api_fail(err, &e, e.code == PR_E_INTERNAL ? PRIORI_OK : PRIORI_E_DB);
    return PRIORI_OK;
}

char *priori_hw_profiles_json(const char *db_dir, priori_error *err)
{
    struct pr_db db;
    if (open_db(&db, db_dir, err) != PRIORI_OK)
        return NULL;
    struct pr_jb b = {0};
    char *out = tree_string(&b, pr_hw_list_json(&b, &db, NULL), err);
    pr_db_free(&db);
    return out;
}

char *priori_hw_profile_json(const char *db_dir, const char *id, priori_error *err)
{
    if (!id) {
        pr_api_set(err, PRIORI_E_ARG, "priori_hw_profile_json: id must not be NULL");
        return NULL;
    }
    struct pr_db db;
    if (open_db(&db, db_dir, err) != PRIORI_OK)
        return NULL;
    char *out = NULL;
    if (!pr_hw_named(&db, id)) {
        pr_api_set(err, PRIORI_E_DB, "no hardware profile '%s' in %s; see 'priori hw list'", id, db.dir);
    } else {
        struct pr_jb b = {0};
        out = tree_string(&b, pr_hw_show_json(&b, &db, id), err);
    }
    pr_db_free(&db);
    return out;
}
