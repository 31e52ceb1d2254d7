# py_balance_race.py: two withdrawals and a deposit that each read the
# balance under a lock and write it back under the lock, separately: a
# lost update when another thread writes in between (e2e.shrink_moved).
import threading


class Account:
    def __init__(self):
        self.balance = 100
        self.lock = threading.Lock()

    def get(self):
        with self.lock:
            return self.balance

    def set(self, value):
        with self.lock:
            self.balance = value


account = Account()


def withdraw(amount):
    seen = account.get()
    if seen >= amount:
        account.set(seen - amount)


def deposit(amount):
    seen = account.get()
    account.set(seen + amount)


threads = [threading.Thread(target=withdraw, args=(30,)),
           threading.Thread(target=deposit, args=(50,)),
           threading.Thread(target=withdraw, args=(20,))]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("balance", account.balance)
assert account.balance == 100, account.balance
