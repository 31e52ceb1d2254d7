/* greeting.c: prints a word chosen when it is built (-DWORD=...), from a
 * thread: two builds differ only in that constant, and so in their code's
 * bytes, not in their size (e2e.rebuilt_exe). */
#include <pthread.h>
#include <stdio.h>

#ifndef WORD
#define WORD 1111
#endif

static void *say(void *arg)
{
	(void)arg;
	printf("greeting %d\n", WORD);
	return NULL;
}

int main(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, say, NULL) != 0)
		return 1;
	return pthread_join(t, NULL);
}
