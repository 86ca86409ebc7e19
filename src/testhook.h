/* testhook.h -- failure injection for the crash tests, compiled in only
 * for them.
 *
 * The writers of reports and of the database (atomic.c, dbtxn.c) call
 * pr_test_point() between the steps of an update. In priori itself it does
 * nothing (build/src/testhook.o is built without PRIORI_TEST_HOOKS). The
 * test binary build/tests/priori-hooks links a copy built with
 * -DPRIORI_TEST_HOOKS, where the Nth call (counting every point of the run)
 * acts as the environment says:
 *   PRIORI_TEST_KILL_AT=N    raise(SIGKILL): a crash at that step
 *   PRIORI_TEST_FAIL_AT=N    return -1 with errno ENOSPC: a full disk there
 *   PRIORI_TEST_PAUSE_AT=N   sleep 30 s (a signal test sends SIGTERM then)
 * and at exit PRIORI_TEST_COUNT=FILE gets the number of points passed.
 */
#ifndef PR_TESTHOOK_H
#define PR_TESTHOOK_H

/* 0, or -1 (errno ENOSPC) when the test asks this step to fail. */
int pr_test_point(void);

#endif
