/*
 * worker.h - stopping a worker thread that sleeps on a condition variable
 * (the checkpointer in store_wal.c).
 */
#ifndef POPSTAT_WORKER_H
#define POPSTAT_WORKER_H

#include <pthread.h>

/* Set *stop under mu, wake the thread, and wait until it has ended. */
static inline void
worker_stop(pthread_t t, pthread_mutex_t *mu, pthread_cond_t *cv, int *stop)
{
	pthread_mutex_lock(mu);
	*stop = 1;
	pthread_cond_signal(cv);
	pthread_mutex_unlock(mu);
	pthread_join(t, NULL);
}

#endif
