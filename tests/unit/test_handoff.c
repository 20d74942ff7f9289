/* The two-stage hand-over (lib/handoff.c): every slot sent is consumed
 * once, in order, through rings of every size from one slot up; a slot's
 * buffer is handed back for reuse; the first error of either side ends
 * both and is the one returned, with its message; a producer blocked on a
 * full ring is released when the consumer fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "handoff.h"

typedef struct slot {
	uint64_t value;
	char *buffer; /* made once per slot, kept across reuse */
	size_t uses;
} slot;

typedef struct job {
	uint64_t count;      /* slots to send */
	uint64_t fail_after; /* the producer fails after sending this many (0: never) */
	uint64_t sent;       /* slots the producer sent */
	bool saw_stop;       /* handoff_slot returned NULL */
	uint64_t consumed, sum, next;
	uint64_t stop_at; /* the consumer fails on this value (0: never) */
	bool out_of_order;
	size_t buffers, freed;
} job;

static dti_err produce(void *ctx, handoff *h, dti_diag *d)
{
	job *j = ctx;

	for (uint64_t i = 1; i <= j->count; i++) {
		slot *s;
		if (j->fail_after && j->sent == j->fail_after)
			return diag_set(d, DTI_EPARSE, "producer failed after %llu",
					(unsigned long long)j->sent);
		s = handoff_slot(h);
		if (!s) {
			j->saw_stop = true;
			return diag_set(d, DTI_EDB, "stopped");
		}
		if (!s->buffer) {
			s->buffer = xmalloc(16);
			j->buffers++;
		}
		s->value = i;
		s->uses++;
		handoff_send(h);
		j->sent++;
	}
	return DTI_EOK;
}

static dti_err consume(void *ctx, void *slot_, dti_diag *d)
{
	job *j = ctx;
	const slot *s = slot_;

	if (s->value != j->next + 1 || !s->buffer)
		j->out_of_order = true;
	j->next = s->value;
	if (j->stop_at && s->value == j->stop_at)
		return diag_set(d, DTI_EINVALID, "consumer refused %llu",
				(unsigned long long)s->value);
	j->consumed++;
	j->sum += s->value;
	return DTI_EOK;
}

static job *free_counter;

static void slot_free(void *slot_)
{
	slot *s = slot_;

	free(s->buffer);
	free_counter->freed++;
}

static dti_err run(job *j, size_t n, dti_diag *d)
{
	free_counter = j;
	return handoff_run(n, sizeof(slot), produce, j, consume, j, slot_free, d);
}

static void test_every_slot_in_order(void **state)
{
	static const size_t sizes[] = {1, 2, 3, 7, 64};

	(void)state;
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		job j = {.count = 5000};
		dti_diag d;
		assert_int_equal(run(&j, sizes[k], &d), DTI_EOK);
		assert_false(j.out_of_order);
		assert_int_equal(j.consumed, 5000);
		assert_int_equal(j.sum, 5000ULL * 5001 / 2);
		/* Buffers are made once per slot, and each slot freed once. */
		assert_int_equal(j.buffers, sizes[k]);
		assert_int_equal(j.freed, sizes[k]);
	}
}

static void test_nothing_to_send(void **state)
{
	job j = {.count = 0};
	dti_diag d;

	(void)state;
	assert_int_equal(run(&j, 4, &d), DTI_EOK);
	assert_int_equal(j.consumed, 0);
	assert_int_equal(j.freed, 4);
}

static void test_consumer_error_stops_producer(void **state)
{
	static const size_t sizes[] = {1, 4, 64};

	(void)state;
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		/* The producer has far more to send than the ring holds: it
		 * must be released from its wait when the consumer fails. */
		job j = {.count = 1000000, .stop_at = 100};
		dti_diag d;
		assert_int_equal(run(&j, sizes[k], &d), DTI_EINVALID);
		assert_string_equal(d.msg, "consumer refused 100");
		assert_int_equal(j.consumed, 99);
		assert_true(j.saw_stop);
		assert_true(j.sent <= 100 + sizes[k]);
		assert_int_equal(j.freed, sizes[k]);
	}
}

static void test_producer_error_is_returned(void **state)
{
	job j = {.count = 1000, .fail_after = 500};
	dti_diag d;

	(void)state;
	assert_int_equal(run(&j, 8, &d), DTI_EPARSE);
	assert_string_equal(d.msg, "producer failed after 500");
	assert_false(j.out_of_order);
	assert_true(j.consumed <= 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_slot_in_order),
		cmocka_unit_test(test_nothing_to_send),
		cmocka_unit_test(test_consumer_error_stops_producer),
		cmocka_unit_test(test_producer_error_is_returned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
