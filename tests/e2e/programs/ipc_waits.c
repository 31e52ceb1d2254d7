/*
 * ipc_waits.c: System V message queues and semaphores and a POSIX message
 * queue between threads of one process, where one thread waits in the
 * kernel for what another sends, posts or makes room for; timed waits
 * that time out; and what the messages carry (a System V message's type
 * and whole text, a POSIX message's priority).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <time.h>
#include <unistd.h>

#define MESSAGES 20
#define TEXT 2000 /* 20 of them are more than a queue's 16 KiB */

struct message {
	long type;
	char text[TEXT];
};

static int queue, semaphore;
static mqd_t mq;

static void *msg_receiver(void *arg)
{
	static struct message m;
	long sum = 0;
	for (int i = 0; i < MESSAGES; i++) {
		assert(msgrcv(queue, &m, TEXT, 0, 0) == TEXT);
		sum += m.type + m.text[TEXT - 1];
	}
	printf("msgrcv: %d messages, sum %ld\n", MESSAGES, sum);
	return arg;
}

static void *sem_poster(void *arg)
{
	usleep(2000);
	struct sembuf up = { 0, 1, 0 };
	assert(semop(semaphore, &up, 1) == 0);
	return arg;
}

static void *mq_receiver(void *arg)
{
	char buf[64];
	unsigned prio, sum = 0;
	for (int i = 0; i < MESSAGES; i++) {
		assert(mq_receive(mq, buf, sizeof(buf), &prio) == 8);
		sum += prio;
	}
	printf("mq_receive: %d messages, priorities sum %u\n", MESSAGES, sum);
	return arg;
}

int main(void)
{
	pthread_t t;
	static struct message m;

	queue = msgget(IPC_PRIVATE, 0600);
	assert(queue >= 0);
	m.type = 3;
	strcpy(m.text, "a whole text of twenty-nine b");
	assert(msgsnd(queue, &m, 30, 0) == 0);
	memset(&m, 0, sizeof(m));
	ssize_t got = msgrcv(queue, &m, TEXT, 0, 0);
	printf("msgrcv: %zd bytes, type %ld, '%s'\n", got, m.type, m.text);
	assert(pthread_create(&t, NULL, msg_receiver, NULL) == 0);
	for (int i = 0; i < MESSAGES; i++) { /* waits for room while the queue is full */
		m.type = i + 1;
		memset(m.text, 'a' + i, TEXT);
		assert(msgsnd(queue, &m, TEXT, 0) == 0);
	}
	assert(pthread_join(t, NULL) == 0);
	got = msgrcv(queue, &m, TEXT, 0, IPC_NOWAIT);
	printf("msgrcv IPC_NOWAIT on the empty queue: %zd %s\n", got, strerror(errno));
	assert(msgctl(queue, IPC_RMID, NULL) == 0);

	semaphore = semget(IPC_PRIVATE, 1, 0600);
	assert(semaphore >= 0);
	assert(pthread_create(&t, NULL, sem_poster, NULL) == 0);
	struct sembuf down = { 0, -1, 0 };
	printf("semop waits for the post: %d\n", semop(semaphore, &down, 1));
	assert(pthread_join(t, NULL) == 0);
	struct timespec ms50 = { 0, 50000000 };
	int r = semtimedop(semaphore, &down, 1, &ms50);
	printf("semtimedop with nobody to post: %d %s\n", r, strerror(errno));
	assert(semctl(semaphore, 0, IPC_RMID) == 0);

	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	char name[64];
	snprintf(name, sizeof(name), "/deja-ipc-waits-%d", (int)getpid());
	mq = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	assert(mq != (mqd_t)-1);
	mq_unlink(name);
	assert(pthread_create(&t, NULL, mq_receiver, NULL) == 0);
	for (int i = 0; i < MESSAGES; i++) { /* waits for room after 4 */
		char text[8];
		snprintf(text, sizeof(text), "msg %03d", i);
		assert(mq_send(mq, text, 8, (unsigned)i % 3) == 0);
	}
	assert(pthread_join(t, NULL) == 0);
	struct timespec soon;
	clock_gettime(CLOCK_REALTIME, &soon);
	soon.tv_nsec += 30000000;
	if (soon.tv_nsec >= 1000000000) {
		soon.tv_sec++;
		soon.tv_nsec -= 1000000000;
	}
	char buf[64];
	got = mq_timedreceive(mq, buf, sizeof(buf), NULL, &soon);
	printf("mq_timedreceive on the empty queue: %zd %s\n", got, strerror(errno));
	mq_close(mq);
	return 0;
}
