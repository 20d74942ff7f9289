/* handoff.h — two stages of one job on two cores: a producer thread fills
 * slots that the calling thread consumes, in the order they were filled.
 *
 * The scorer reads and computes on one core while the other writes to the
 * database (each on its own SQLite connection, or the producer on none);
 * the slots are the hand-over, a fixed ring of them, so that memory stays
 * bounded whatever the length of the job.  A slot is the caller's struct:
 * zeroed at first, then handed back to the producer as the consumer left
 * it, so that the buffers in it are reused rather than made again. */
#ifndef DTI_HANDOFF_H
#define DTI_HANDOFF_H

#include <stddef.h>

#include "err.h"

typedef struct handoff handoff;

/* The producer: fills slots got from handoff_slot and hands each over with
 * handoff_send; returns when it has no more (DTI_EOK) or on its first error.
 * It runs on a thread of its own: it touches nothing the consumer does
 * except through the slots. */
typedef dti_err (*handoff_produce_fn)(void *ctx, handoff *pp, dti_diag *d);
/* The consumer: one slot, on the calling thread. */
typedef dti_err (*handoff_consume_fn)(void *ctx, void *slot, dti_diag *d);

/* Runs produce(pctx) on a new thread and consume(cctx, slot) on this one
 * for each slot it sends, in order; n slots of size bytes.  The first
 * error of either ends both, and is returned with its message: once the
 * consumer has failed, handoff_slot returns NULL and the producer is to
 * return.  slot_free (may be NULL) frees what a slot holds, at the end.
 * DTI_ENOMEM, nothing run, when no thread can be started. */
dti_err handoff_run(size_t n, size_t size, handoff_produce_fn produce, void *pctx,
		    handoff_consume_fn consume, void *cctx, void (*slot_free)(void *slot),
		    dti_diag *d);

/* For the producer: the next slot to fill, once the consumer is done with
 * it; NULL when the consumer has stopped (return then: nothing more will
 * be read). */
void *handoff_slot(handoff *pp);

/* For the producer: hands over the slot handoff_slot gave. */
void handoff_send(handoff *pp);

#endif
