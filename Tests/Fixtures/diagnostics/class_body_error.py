class Settings:
    timeout = 30
    retries = timeout // retry_delay
