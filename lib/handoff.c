/* handoff.c — a producer thread and the calling thread as two stages (see
 * handoff.h): a ring of slots under one mutex, two condition variables. */
#include "handoff.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "alloc.h"

struct handoff {
	pthread_mutex_t mu;
	pthread_cond_t filled, freed; /* a slot was sent; a slot was given back */
	unsigned char *slots;
	size_t n, size;
	size_t head, count; /* the next slot to consume; slots sent, not yet given back */
	bool produced;      /* the producer has returned */
	bool stopped;       /* the consumer has failed */
	bool starved, full; /* the consumer waits for a slot sent; the producer for one freed */
	handoff_produce_fn produce;
	void *pctx;
	dti_err prc;
	dti_diag pd;
};

void *handoff_slot(handoff *pp)
{
	void *slot = NULL;

	pthread_mutex_lock(&pp->mu);
	while (pp->count == pp->n && !pp->stopped) {
		pp->full = true;
		pthread_cond_wait(&pp->freed, &pp->mu);
	}
	if (!pp->stopped)
		slot = pp->slots + (pp->head + pp->count) % pp->n * pp->size;
	pthread_mutex_unlock(&pp->mu);
	return slot;
}

void handoff_send(handoff *pp)
{
	pthread_mutex_lock(&pp->mu);
	pp->count++;
	/* A waiting consumer is woken once half the ring is ready, not for
	 * each slot: a wake-up costs the kernel more than a slot's work. */
	if (pp->starved && pp->count >= (pp->n + 1) / 2) {
		pp->starved = false;
		pthread_cond_signal(&pp->filled);
	}
	pthread_mutex_unlock(&pp->mu);
}

static void *producer(void *arg)
{
	handoff *pp = arg;
	dti_err rc = pp->produce(pp->pctx, pp, &pp->pd);

	pthread_mutex_lock(&pp->mu);
	pp->prc = rc;
	pp->produced = true;
	pp->starved = false;
	pthread_cond_signal(&pp->filled);
	pthread_mutex_unlock(&pp->mu);
	return NULL;
}

/* The next slot to consume, NULL when there is none and will be none (the
 * producer returned, or failed: what it sent before is not wanted then). */
static void *next_filled(handoff *pp)
{
	void *slot = NULL;

	pthread_mutex_lock(&pp->mu);
	while (pp->count == 0 && !pp->produced) {
		pp->starved = true;
		pthread_cond_wait(&pp->filled, &pp->mu);
	}
	if (pp->count && !(pp->produced && pp->prc))
		slot = pp->slots + pp->head * pp->size;
	pthread_mutex_unlock(&pp->mu);
	return slot;
}

static void give_back(handoff *pp, bool stop)
{
	pthread_mutex_lock(&pp->mu);
	if (stop) {
		pp->stopped = true;
		pthread_cond_signal(&pp->freed);
	} else {
		pp->head = (pp->head + 1) % pp->n;
		pp->count--;
		/* Likewise a waiting producer, once half the ring is free. */
		if (pp->full && pp->count <= pp->n / 2) {
			pp->full = false;
			pthread_cond_signal(&pp->freed);
		}
	}
	pthread_mutex_unlock(&pp->mu);
}

dti_err handoff_run(size_t n, size_t size, handoff_produce_fn produce, void *pctx,
		    handoff_consume_fn consume, void *cctx, void (*slot_free)(void *slot),
		    dti_diag *d)
{
	handoff pp = {.n = n ? n : 1, .size = size, .produce = produce, .pctx = pctx};
	pthread_t thread;
	dti_err rc = DTI_EOK;
	void *slot;

	pp.slots = xcalloc(pp.n, size);
	pthread_mutex_init(&pp.mu, NULL);
	pthread_cond_init(&pp.filled, NULL);
	pthread_cond_init(&pp.freed, NULL);
	if (pthread_create(&thread, NULL, producer, &pp) != 0) {
		rc = diag_set(d, DTI_ENOMEM, "cannot start a thread");
		goto out;
	}
	while (!rc && (slot = next_filled(&pp)) != NULL) {
		rc = consume(cctx, slot, d);
		give_back(&pp, rc != DTI_EOK);
	}
	pthread_join(thread, NULL);
	if (!rc && pp.prc) {
		rc = pp.prc;
		if (d)
			*d = pp.pd;
	}
out:
	for (size_t i = 0; slot_free && i < pp.n; i++)
		slot_free(pp.slots + i * size);
	free(pp.slots);
	pthread_cond_destroy(&pp.freed);
	pthread_cond_destroy(&pp.filled);
	pthread_mutex_destroy(&pp.mu);
	return rc;
}
