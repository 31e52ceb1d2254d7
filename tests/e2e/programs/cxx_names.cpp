// cxx_names.cpp: a lost update in C++, for e2e.cxx_names.
//
// Each transfer reads the balance under the account's std::mutex and
// writes it back under it, separately: another thread's write in between
// is lost.  The locks are taken through std::lock_guard, whose
// pthread_mutex_lock is inlined from the system's headers into the
// program's methods (kept out of line, so that they are functions of
// their own): deja names the method (demangled) and the line of the
// program's code, not the header's.
#include <cassert>
#include <iostream>
#include <mutex>
#include <thread>

namespace bank {

class Account {
public:
	__attribute__((noinline)) int balance_now()
	{
		std::lock_guard<std::mutex> hold(lock_);
		return balance_;
	}

	__attribute__((noinline)) void set_balance(int value)
	{
		std::lock_guard<std::mutex> hold(lock_);
		balance_ = value;
	}

private:
	std::mutex lock_;
	int balance_ = 100;
};

} // namespace bank

static bank::Account account;

static void add(int amount)
{
	int seen = account.balance_now();
	account.set_balance(seen + amount);
}

int main()
{
	std::thread a(add, 30), b(add, -20);
	a.join();
	b.join();
	std::cout << "balance " << account.balance_now() << std::endl;
	assert(account.balance_now() == 110);
	return 0;
}
