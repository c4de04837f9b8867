def validate(record):
    problems = []
    if "name" not in record:
        problems.append(KeyError("name"))
    if record.get("age", 0) < 0:
        problems.append(ValueError("negative age"))
    if problems:
        raise ExceptionGroup(f"record {record}", problems)


failures = []
for record in ({"age": -1}, {"name": "x", "age": -2}):
    try:
        validate(record)
    except ExceptionGroup as group:
        failures.append(group)
raise ExceptionGroup("2 records failed", failures)
