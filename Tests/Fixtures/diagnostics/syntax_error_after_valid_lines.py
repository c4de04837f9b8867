print("this never runs: the whole script is compiled first")
a = 1
b = 2
c = (a +* b)
