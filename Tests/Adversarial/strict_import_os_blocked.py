# strict level: a plain `import os` is refused by the harness's import policy (the friendly
# explanation layer). Harmless either way, so no guard.
# expect: category=security_error violation=blocked_import
# request: {"security_level": "strict"}
# guard: none (stopped by the import policy before anything runs; os is not importable at strict to check)
import os

print("ESCAPE: imported os at strict level: %s" % os.getcwd())
