/*
 * parallel_stdio.c: three threads print to stdout, each line by another
 * stdio function (printf, fputs, fwrite, putchar, fprintf, puts), a
 * mutex-protected count between; the main thread prints the count.
 * Natively the lines interleave differently from run to run; sorted they
 * are always the same.
 */
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long count;

static void print_line(long thread, int i)
{
	char line[64];
	switch (i % 6) {
	case 0:
		printf("thread %ld line %d printf\n", thread, i);
		break;
	case 1:
		snprintf(line, sizeof(line), "thread %ld line %d fputs\n", thread, i);
		fputs(line, stdout);
		break;
	case 2:
		snprintf(line, sizeof(line), "thread %ld line %d fwrite\n", thread, i);
		fwrite(line, 1, strlen(line), stdout);
		break;
	case 3: /* two calls, one line: under the stream's lock throughout */
		flockfile(stdout);
		printf("thread %ld line %d putchar", thread, i);
		putchar('\n');
		funlockfile(stdout);
		break;
	case 4:
		fprintf(stdout, "thread %ld line %d fprintf\n", thread, i);
		break;
	default:
		snprintf(line, sizeof(line), "thread %ld line %d puts", thread, i);
		puts(line);
	}
}

static void *printer(void *arg)
{
	long thread = (long)arg;
	for (int i = 0; i < 1500; i++) {
		pthread_mutex_lock(&count_lock);
		count++;
		pthread_mutex_unlock(&count_lock);
		print_line(thread, i);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[3];
	for (long i = 0; i < 3; i++)
		assert(pthread_create(&t[i], NULL, printer, (void *)i) == 0);
	for (int i = 0; i < 3; i++)
		assert(pthread_join(t[i], NULL) == 0);
	printf("count %ld\n", count);
	return 0;
}
