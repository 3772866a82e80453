/* testutil.h - what the cmocka tests share: the task page as group set-up, and the
 * check that no child process is left. Include after cmocka.h. */
#ifndef TVP_TESTUTIL_H
#define TVP_TESTUTIL_H

#include "task.h"

#include <errno.h>
#include <sys/wait.h>

static int task_page_setup(void **state)
{
	(void)state;
	return task_page_open();
}

static int task_page_teardown(void **state)
{
	(void)state;
	task_page_close();
	return 0;
}

/* Every child was reaped: no live child and no zombie. */
static void assert_no_children(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

#endif
