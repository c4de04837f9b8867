def check(température):
    if température > 100:
        raise ValueError(f"données invalides: {température}°C dépasse la limite 🚫")


check(120)
