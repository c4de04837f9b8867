from datetime import datetime

when = datetime.strptime("2025-13-01", "%Y-%m-%d")
