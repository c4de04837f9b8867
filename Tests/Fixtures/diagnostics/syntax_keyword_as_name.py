class = "economy"
