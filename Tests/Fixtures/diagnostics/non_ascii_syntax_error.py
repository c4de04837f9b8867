café = "naïve"
if café = "crème":
    print(café)
