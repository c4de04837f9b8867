# Closes stdout and stderr at the descriptor level, then prints (buffered) and computes. The
# daemon must neither hang nor fail. CPython exits with status 120 when it cannot flush stdout at
# exit, so a runtime error is as honest as a success here (a harness may drop the unflushable
# buffer): either verdict, quickly.
# expect: any-of=runtime_error|none max-seconds=8
# request: {"security_level": "permissive", "limits": {"timeout_seconds": 10}}
import os

os.close(1)
os.close(2)
print("this goes nowhere")
total = sum(range(100000))
