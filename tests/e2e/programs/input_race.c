/*
 * input_race.c [FILE]: a bank applying the transactions in FILE (stdin
 * without one) with two teller threads, for `deja shrink --input`.
 *
 * Lines: "deposit ACCOUNT N", "withdraw ACCOUNT N", "audit", "# ...";
 * accounts are a0 to a39, each opening with 100.  A withdrawal checks the
 * balance in one critical section and debits in a second (the atomicity
 * bug of corpora/atomicity), so two withdrawals from one account that
 * together exceed its balance can overdraw it under a bad schedule: the
 * assert in debit() fires.  Any other mix of lines is harmless, so in a
 * file of many lines exactly such a pair causes the failure.
 */
#undef NDEBUG
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCOUNTS 40
#define MAX_JOBS 256

struct job {
	char op; /* 'd', 'w', 'a' */
	int account, amount;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int balance[ACCOUNTS];
static struct job jobs[MAX_JOBS];
static int njobs, next_job;

static int parse_account(const char *s)
{
	char *end;
	if (s[0] != 'a' || s[1] < '0' || s[1] > '9')
		return -1;
	long n = strtol(s + 1, &end, 10);
	return *end == '\0' && n < ACCOUNTS ? (int)n : -1;
}

/* A line that is not a valid transaction is skipped. */
static void parse_line(const char *line)
{
	char op[16], acct[16];
	int amount, used = 0;
	struct job j = { 0 };
	if (strcmp(line, "audit") == 0) {
		j.op = 'a';
	} else if (sscanf(line, "%15s %15s %d%n", op, acct, &amount, &used) == 3 &&
		   line[used] == '\0' && amount > 0 && amount <= 100 &&
		   (strcmp(op, "deposit") == 0 || strcmp(op, "withdraw") == 0) &&
		   (j.account = parse_account(acct)) >= 0) {
		j.op = op[0];
		j.amount = amount;
	} else {
		return;
	}
	if (njobs < MAX_JOBS)
		jobs[njobs++] = j;
}

static void withdraw(int a, int amount)
{
	pthread_mutex_lock(&lock);
	int ok = balance[a] >= amount;
	pthread_mutex_unlock(&lock);
	if (!ok)
		return;
	/* BUG: check and debit are two critical sections. */
	pthread_mutex_lock(&lock);
	balance[a] -= amount;
	assert(balance[a] >= 0 && "account overdrawn");
	pthread_mutex_unlock(&lock);
}

static void apply(const struct job *j)
{
	if (j->op == 'w') {
		withdraw(j->account, j->amount);
		return;
	}
	pthread_mutex_lock(&lock);
	if (j->op == 'd')
		balance[j->account] += j->amount;
	pthread_mutex_unlock(&lock);
}

static void *teller(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		int mine = next_job < njobs ? next_job++ : -1;
		pthread_mutex_unlock(&lock);
		if (mine < 0)
			return NULL;
		apply(&jobs[mine]);
	}
}

int main(int argc, char **argv)
{
	FILE *in = argc > 1 ? fopen(argv[1], "r") : stdin;
	if (!in) {
		perror(argv[1]);
		return 2;
	}
	char line[256];
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		parse_line(line);
	}
	for (int a = 0; a < ACCOUNTS; a++)
		balance[a] = 100;
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, teller, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("input_race: %d transactions applied\n", njobs);
	return 0;
}
