print("failing with status 3")
raise SystemExit(3)
