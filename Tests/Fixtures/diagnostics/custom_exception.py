class InsufficientFundsError(Exception):
    pass


def pay(balance, amount):
    if amount > balance:
        raise InsufficientFundsError(f"need {amount - balance} more")
    return balance - amount


pay(10, 25)
