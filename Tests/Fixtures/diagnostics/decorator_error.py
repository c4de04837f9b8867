def logged(function):
    def wrapper(*args):
        print("calling", function.__name__)
        return function(*args)

    return wrapper


@logged
def divide(a, b):
    return a / b


print(divide(4, 2))
print(divide(1, 0))
