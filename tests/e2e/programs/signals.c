/*
 * signals.c: asynchronous signals with handlers: three SIGUSR1 the program
 * sends itself with kill() while a worker thread takes a lock, then a
 * SIGALRM from alarm(1) awaited in pause().  Prints what the handlers saw.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static volatile sig_atomic_t hits, alarmed;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int shared;
static void on_usr1(int s, siginfo_t *si, void *c) { (void)s; (void)c; hits += si->si_code == SI_USER ? 1 : 100; }
static void on_alarm(int s) { (void)s; alarmed = 1; }
static void *worker(void *a) { (void)a; for (int i = 0; i < 50; i++) { pthread_mutex_lock(&m); shared++; pthread_mutex_unlock(&m); } return NULL; }
int main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_sigaction = on_usr1; sa.sa_flags = SA_SIGINFO; sigaction(SIGUSR1, &sa, NULL);
  signal(SIGALRM, on_alarm);
  pthread_t t; pthread_create(&t, NULL, worker, NULL);
  for (int i = 0; i < 3; i++) { kill(getpid(), SIGUSR1); pthread_mutex_lock(&m); shared++; pthread_mutex_unlock(&m); }
  alarm(1);
  while (!alarmed) pause();
  pthread_join(t, NULL);
  printf("hits=%d shared=%d alarmed=%d\n", (int)hits, shared, (int)alarmed);
  return 0;
}
