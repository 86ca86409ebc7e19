/* test_safety.c -- unit tests of issue 12's pieces that do not need a
 * process around them: the CodeCarbon RFC 4180 reader, names shown with
 * their invisible characters made visible, CSV formula cells, the
 * same-file check of outputs, the regular-file reader. (tests/safety.sh
 * runs the command-line cases: devices, FIFOs, signals, the database
 * under concurrency and crashes.) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "db.h"
#include "report.h"
#include "rfile.h"
#include "test.h"

void suite_safety(void);

static int cc(const char *text, double *kwh, double *dur, struct pr_err *err)
{
    return pr_codecarbon_parse(text, strlen(text), "e.csv", kwh, dur, err);
}

static void codecarbon_reads_quoted_commas_quotes_newlines_crlf_and_bom(void)
{
    double kwh = 0, dur = 0;
    struct pr_err err = {0};
    /* the last row's values: 0.002 kWh over 20 s; the first row's quoted note spans two lines */
    const char *t = "\xEF\xBB\xBFproject,note,duration,energy_consumed\r\n"
                    "\"p, 1\",\"say \"\"hi\"\"\nthere\",10,0.001\r\n"
                    "\r\n"
                    "\"p, 2\",\"\",20,0.002\r\n";
    CHECK_EQ(cc(t, &kwh, &dur, &err), 0);
    CHECK(kwh == 0.002 && dur == 20);
    /* a line splitter would have read "there" as a row of its own */
    CHECK_EQ(cc("duration,energy_consumed\n10,\"0.001\"\n", &kwh, &dur, &err), 0);
    CHECK(kwh == 0.001 && dur == 10);
}

static void codecarbon_refuses_malformed_csv_naming_the_line(void)
{
    double kwh, dur;
    struct pr_err err = {0};
    CHECK_EQ(cc("duration,energy_consumed\n10,\"0.001\n", &kwh, &dur, &err), -1);
    CHECK(strstr(err.msg, "e.csv: line 2: a quoted field is not closed") != NULL);
    CHECK_EQ(cc("duration,energy_consumed\n10,0.001\n1,2,3\n", &kwh, &dur, &err), -1);
    CHECK(strstr(err.msg, "line 3: 3 fields, but the header has 2") != NULL);
    CHECK_EQ(cc("duration,energy_consumed\n10,0\"01\n", &kwh, &dur, &err), -1);
    CHECK(strstr(err.msg, "a quote inside an unquoted field") != NULL);
    CHECK_EQ(cc("duration,energy_consumed\n10,\"1\"x\n", &kwh, &dur, &err), -1);
    CHECK(strstr(err.msg, "text after the closing quote") != NULL);
    CHECK_EQ(cc("duration,energy_consumed,energy_consumed\n", &kwh, &dur, &err), -1);
    CHECK(strstr(err.msg, "named twice") != NULL);
    size_t n = 70000;
    char *big = malloc(n + 64);
    strcpy(big, "duration,energy_consumed\n10,\"");
    size_t at = strlen(big);
    memset(big + at, '1', n);
    strcpy(big + at + n, "\"\n");
    CHECK_EQ(cc(big, &kwh, &dur, &err), -1);
    CHECK(strstr(err.msg, "line 2: a field longer than 64 KiB") != NULL);
    free(big);
}

static void codecarbon_checks_the_energy_columns(void)
{
    const char *bad[] = {"-0.001", "nan", "inf", "0", "2e9", "1e-3kWh", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char t[128];
        double kwh, dur;
        struct pr_err err = {0};
        snprintf(t, sizeof t, "duration,energy_consumed\n10,%s\n", bad[i]);
        CHECK_EQ(cc(t, &kwh, &dur, &err), -1);
        CHECK(strstr(err.msg, "energy_consumed is not a number in (0, 1e+09] kWh") != NULL);
    }
    double kwh, dur;
    struct pr_err err = {0};
    CHECK_EQ(cc("duration,energy_consumed\n1e-300,1\n", &kwh, &dur, &err), -1);
    CHECK(strstr(err.msg, "duration is not a number in [1e-06, 1e+09] s") != NULL);
}

static void invisible_characters_in_names_are_shown_as_code_points(void)
{
    char *s = pr_text_clean("txt.\xE2\x80\xAE" "exe c1\xC2\x85x zw\xE2\x80\x8Bj bom\xEF\xBB\xBF" "e\x1b[31m", 4096);
    CHECK_STR(s, "txt.<U+202E>exe c1<U+0085>x zw<U+200B>j bom<U+FEFF>e?[31m");
    free(s);
    s = pr_text_clean("\xC3\xA9t\xC3\xA9 \xE4\xB8\xAD", 4096);   /* ordinary non-ASCII text stays */
    CHECK_STR(s, "\xC3\xA9t\xC3\xA9 \xE4\xB8\xAD");
    free(s);
}

static void csv_cells_that_start_a_formula_get_a_quote(void)
{
    const char *in[] = {"=1+2", "+1", "-2", "@SUM(A1)", "a=b", "conv1", "x,y"};
    const char *out[] = {"\"'=1+2\"", "\"'+1\"", "\"'-2\"", "\"'@SUM(A1)\"", "a=b", "conv1", "\"x,y\""};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        char *buf = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&buf, &n);
        pr_csv_field(f, in[i]);
        fclose(f);
        CHECK_STR(buf, out[i]);
        free(buf);
    }
}

static void an_output_that_is_an_input_is_refused(void)
{
    char dir[] = "/tmp/priori-test-XXXXXX", a[64], b[64], l[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(l, sizeof l, "%s/l", dir);
    close(open(a, O_WRONLY | O_CREAT, 0644));
    close(open(b, O_WRONLY | O_CREAT, 0644));
    CHECK(symlink("a", l) == 0);
    const char *in[] = {NULL, a};
    struct pr_err err = {0};
    CHECK_EQ(pr_output_distinct(b, in, 2, &err), 0);
    CHECK_EQ(pr_output_distinct(l, in, 2, &err), -1);
    CHECK(err.code == PR_E_ARG && strstr(err.msg, "is the same file as the input") != NULL);
    char missing[80];
    snprintf(missing, sizeof missing, "%s/new", dir);
    CHECK_EQ(pr_output_distinct(missing, in, 2, &err), 0);
    unlink(l), unlink(a), unlink(b), rmdir(dir);
}

static void the_reader_refuses_what_is_not_a_regular_file(void)
{
    char dir[] = "/tmp/priori-test-XXXXXX", fifo[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(fifo, sizeof fifo, "%s/f", dir);
    CHECK(mkfifo(fifo, 0600) == 0);
    size_t n;
    struct pr_err err = {0};
    CHECK(pr_rfile_read(fifo, 1 << 20, &n, PR_E_ARG, &err) == NULL);   /* returns at once, no writer */
    CHECK(err.code == PR_E_ARG && strstr(err.msg, "is a FIFO, not a regular file") != NULL);
    CHECK(pr_rfile_read(dir, 1 << 20, &n, PR_E_ARG, &err) == NULL);
    CHECK(strstr(err.msg, "is a directory") != NULL);
    unlink(fifo), rmdir(dir);
}

void suite_safety(void)
{
    RUN(codecarbon_reads_quoted_commas_quotes_newlines_crlf_and_bom);
    RUN(codecarbon_refuses_malformed_csv_naming_the_line);
    RUN(codecarbon_checks_the_energy_columns);
    RUN(invisible_characters_in_names_are_shown_as_code_points);
    RUN(csv_cells_that_start_a_formula_get_a_quote);
    RUN(an_output_that_is_an_input_is_refused);
    RUN(the_reader_refuses_what_is_not_a_regular_file);
}
